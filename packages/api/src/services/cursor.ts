import { instantBounds } from '@closeloop/shared';
import { Errors } from '../errors.ts';

export interface Position {
  at: Date;
  id: string;
}

/** Encodes a keyset position (timestamp + id) as an opaque cursor. */
export function encodeCursor(position: Position): string {
  return Buffer.from(JSON.stringify([position.at.toISOString(), position.id])).toString('base64url');
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Decodes a cursor from `encodeCursor`; throws a 400 for anything else. */
export function decodeCursor(cursor: string): Position {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string') {
      const at = new Date(value[0]);
      const time = at.getTime();
      if (time >= instantBounds.min && time <= instantBounds.max && uuidPattern.test(value[1])) {
        return { at, id: value[1].toLowerCase() };
      }
    }
  } catch {
    // fall through
  }
  throw new Errors.InvalidCursor();
}
