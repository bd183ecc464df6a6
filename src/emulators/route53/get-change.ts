/** The GetChange operation, apart from the change log so the log does not depend on the operation context. */
import { changeInfoXml } from './change-log.js';
import type { Operation } from './context.js';

/** GetChange: the SDK strips `/change/`; other clients may not. */
export const getChange: Operation = (ctx, req) => {
  const id = (req.params.id ?? '').replace(/^\/?change\//, '');
  return { root: 'GetChangeResponse', content: { ChangeInfo: changeInfoXml(ctx.changes.read(id)) } };
};
