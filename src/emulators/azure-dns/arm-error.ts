/**
 * ARM's error envelope: `{"error":{"code","message","target"?}}`. The SDK turns
 * it into a RestError with `.statusCode` and `.code`, so the codes here are the
 * ones real ARM sends for the same mistake.
 */
export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request field at fault, e.g. `properties.ARecords[0].ipv4Address`. */
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ArmError';
  }

  body(): { error: { code: string; message: string; target?: string } } {
    return { error: { code: this.code, message: this.message, ...(this.target ? { target: this.target } : {}) } };
  }
}

/** A semantically invalid value: 400 BadRequest naming the field. */
export function badRequest(message: string, target?: string): ArmError {
  return new ArmError(400, 'BadRequest', message, target);
}

/** A body of the wrong shape (not JSON, wrong JSON type): 400 InvalidRequestFormat naming the field. */
export function invalidFormat(message: string, target?: string): ArmError {
  return new ArmError(400, 'InvalidRequestFormat', message, target);
}

export function preconditionFailed(header: 'If-Match' | 'If-None-Match', value: string): ArmError {
  return new ArmError(412, 'PreconditionFailed', `The condition '${value}' in the precondition header(s) was not met.`, header);
}
