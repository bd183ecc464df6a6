/** One change of a ChangeResourceRecordSets batch, as read from the request (change-batch.ts applies it). */
import type { Route53Type } from './record-values.js';

export type ChangeAction = 'CREATE' | 'DELETE' | 'UPSERT';

export interface RecordChange {
  action: ChangeAction;
  name: string;
  type: Route53Type;
  ttl: number;
  /** Values as written; they are stored and returned so. */
  values: string[];
  /** Failover, weighted or multivalue answer: set with a SetIdentifier (routing-sets.ts). */
  routing?: Routing;
}

export interface Routing {
  setIdentifier: string;
  failover?: 'PRIMARY' | 'SECONDARY';
  weight?: number;
  multiValue?: boolean;
  healthCheckId?: string;
}
