/**
 * A bounded walk over protobuf bytes before they are decoded: every tag and varint at most 10
 * bytes and inside its message, every length-delimited field inside its parent, the wire type of
 * each known field the one its schema type implies, groups refused, and messages nested at most
 * MAX_DEPTH deep. It allocates nothing and reads each byte once, so a damaged or hostile file is
 * refused with a ModelFileError (where in the file, and what) instead of a hang, a deep recursion
 * or a decoder that believes a corrupt length.
 */
import type protobuf from 'protobufjs/light.js';
import { ModelFileError } from '../../errors.js';

/** ONNX nests model → graph → node → attribute → tensor or subgraph; 64 levels leave room for subgraphs. */
export const MAX_DEPTH = 64;

const WIRE = { VARINT: 0, FIXED64: 1, LENGTH: 2, FIXED32: 5 } as const;

const SCALAR_WIRE: Record<string, number> = {
  int32: WIRE.VARINT,
  int64: WIRE.VARINT,
  uint32: WIRE.VARINT,
  uint64: WIRE.VARINT,
  sint32: WIRE.VARINT,
  sint64: WIRE.VARINT,
  bool: WIRE.VARINT,
  float: WIRE.FIXED32,
  fixed32: WIRE.FIXED32,
  sfixed32: WIRE.FIXED32,
  double: WIRE.FIXED64,
  fixed64: WIRE.FIXED64,
  sfixed64: WIRE.FIXED64,
};

class WireError extends Error {}

/** A varint at `at` (at most 10 bytes, inside [at, end)): its value (exact to 2^53) and the next offset. */
function readVarint(bytes: Uint8Array, at: number, end: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < 10; i++) {
    if (at + i >= end) throw new WireError(`a varint at byte ${at} runs past the end of its message`);
    const b = bytes[at + i] as number;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return [value, at + i + 1];
  }
  throw new WireError(`the varint at byte ${at} is longer than 10 bytes`);
}

function walk(bytes: Uint8Array, start: number, end: number, type: protobuf.Type, depth: number): void {
  if (depth > MAX_DEPTH) throw new WireError(`messages are nested more than ${MAX_DEPTH} deep at byte ${start}`);
  let at = start;
  while (at < end) {
    const tagAt = at;
    const [tag, next] = readVarint(bytes, at, end);
    at = next;
    const fieldNumber = Math.floor(tag / 8);
    const wire = tag % 8;
    if (fieldNumber === 0) throw new WireError(`the tag at byte ${tagAt} names field 0`);
    const field = type.fieldsById[fieldNumber];
    if (field !== undefined) {
      const message = field.resolvedType !== null && 'fieldsById' in field.resolvedType;
      const scalar = SCALAR_WIRE[field.type];
      const allowed =
        message || scalar === undefined ? [WIRE.LENGTH] : field.repeated ? [scalar, WIRE.LENGTH] : [scalar];
      if (!allowed.includes(wire as 0)) {
        throw new WireError(
          `field ${type.name}.${field.name} at byte ${tagAt} has wire type ${wire}, not ${allowed.join(' or ')}`,
        );
      }
    }
    if (wire === WIRE.VARINT) at = readVarint(bytes, at, end)[1];
    else if (wire === WIRE.FIXED64 || wire === WIRE.FIXED32) {
      at += wire === WIRE.FIXED64 ? 8 : 4;
      if (at > end) throw new WireError(`the fixed-size field at byte ${tagAt} runs past the end of its message`);
    } else if (wire === WIRE.LENGTH) {
      const [length, body] = readVarint(bytes, at, end);
      if (length > end - body) {
        throw new WireError(
          `the field at byte ${tagAt} claims ${length} bytes; only ${end - body} remain in its message`,
        );
      }
      const sub = field?.resolvedType;
      if (sub !== null && sub !== undefined && 'fieldsById' in sub) walk(bytes, body, body + length, sub, depth + 1);
      at = body + length;
    } else {
      throw new WireError(`the tag at byte ${tagAt} has wire type ${wire} (groups and unknown types are not read)`);
    }
  }
}

/** Refuse bytes that are not a well-formed, boundedly nested protobuf message of `type`. */
export function checkWireFormat(bytes: Uint8Array, type: protobuf.Type, what: string): void {
  try {
    walk(bytes, 0, bytes.length, type, 0);
  } catch (e) {
    if (!(e instanceof WireError)) throw e;
    throw new ModelFileError(
      what,
      `the bytes are not a well-formed ${what}: ${e.message}.`,
      'is the file truncated or damaged?',
    );
  }
}
