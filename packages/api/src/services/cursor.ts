import { instantBounds } from '@closeloop/shared';
import { Errors } from '../errors.ts';

export interface Position {
  at: Date;
  id: string;
}

/** A position in the list sorted by due date: the due date (null: none, sorted last), then newest. */
export interface DuePosition extends Position {
  due: Date | null;
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
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
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

/** Encodes a position of the due-date order; its cursors are told apart from the others by length. */
export function encodeDueCursor(position: DuePosition): string {
  return Buffer.from(
    JSON.stringify([
      position.at.toISOString(),
      position.id,
      position.due ? position.due.toISOString() : null,
    ]),
  ).toString('base64url');
}

/** Decodes a cursor from `encodeDueCursor`; throws a 400 for anything else (a newest-first cursor too). */
export function decodeDueCursor(cursor: string): DuePosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && (value[2] === null || typeof value[2] === 'string')) {
      const position = decodeCursor(Buffer.from(JSON.stringify(value.slice(0, 2))).toString('base64url'));
      if (value[2] === null) return { ...position, due: null };
      const due = new Date(value[2]);
      if (due.getTime() >= instantBounds.min && due.getTime() <= instantBounds.max)
        return { ...position, due };
    }
  } catch {
    // fall through
  }
  throw new Errors.InvalidCursor();
}
