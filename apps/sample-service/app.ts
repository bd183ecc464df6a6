/**
 * The Express apps: the service itself, and the small admin app that serves only the
 * chaos switch on its own port (so a service put `down` can still be healed).
 */
import express, { type Express } from 'express';
import type { Logger } from '../../src/observability/logger.js';
import { chaosEffects } from './chaos-effects.js';
import { createChaosRouter, type ChaosControl } from './chaos-routes.js';
import { createEndpoints, type EndpointContext } from './endpoints.js';
import { jsonErrors, notFound, useRequestBasics } from './http-basics.js';

export interface AppContext extends EndpointContext {
  logger: Logger;
  /** Present only when chaos is enabled (with its token): otherwise /chaos does not exist. */
  chaosControl?: { control: ChaosControl; token: string };
}

export function createApp(ctx: AppContext): Express {
  const app = express();
  app.use(ctx.drain.middleware);
  useRequestBasics(app, ctx.logger);
  if (ctx.chaosControl) {
    app.use('/chaos', createChaosRouter(ctx.chaosControl.control, ctx.chaosControl.token, { replyFirst: true }));
  }
  app.use(chaosEffects(ctx.chaos));
  app.use(createEndpoints(ctx));
  app.use(notFound);
  app.use(jsonErrors);
  return app;
}

export function createAdminApp(control: ChaosControl, token: string, logger: Logger): Express {
  const app = express();
  useRequestBasics(app, logger);
  app.use('/chaos', createChaosRouter(control, token, { replyFirst: false }));
  app.use(notFound);
  app.use(jsonErrors);
  return app;
}
