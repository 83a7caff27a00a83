/**
 * Just enough of the protobuf wire format to edit an ONNX model's graph: the nodes are decoded
 * (names, op type, inputs, outputs; attributes stay raw bytes), initializers only by name, type
 * and shape, and everything else is carried over as the bytes it was. Tensor data is never
 * decoded or copied until the edited model is written, once, into one buffer.
 *
 * Field numbers are onnx.proto's (stable since ONNX 1.0): ModelProto.graph = 7, opset_import = 8;
 * GraphProto.node = 1, initializer = 5, output = 12, value_info = 13; NodeProto.input = 1,
 * output = 2, name = 3, op_type = 4, attribute = 5, domain = 7; TensorProto.dims = 1,
 * data_type = 2, name = 8; AttributeProto.name = 1, i = 3, type = 20; OperatorSetIdProto.domain = 1,
 * version = 2; ValueInfoProto.name = 1.
 */

const LENGTH_DELIMITED = 2;
const VARINT = 0;

/** One field of a message: its number, wire type, and where its value and the whole field lie. */
interface Field {
  number: number;
  wire: number;
  /** Start of the tag (the whole field is bytes[start, end)). */
  start: number;
  end: number;
  /** The value: a varint's value, or a length-delimited field's bounds. */
  value: number;
  valueStart: number;
  valueEnd: number;
}

function readVarint(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let scale = 1;
  let pos = at;
  for (;;) {
    if (pos >= bytes.length) throw new Error('ONNX model: truncated varint');
    const byte = bytes[pos++];
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return [value, pos];
    scale *= 128;
    if (scale > 2 ** 63) throw new Error('ONNX model: varint too long');
  }
}

/** The fields of the message in bytes[start, end), in order. */
function* fields(bytes: Uint8Array, start = 0, end = bytes.length): Generator<Field> {
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, afterTag] = readVarint(bytes, pos);
    const number = Math.floor(tag / 8);
    const wire = tag % 8;
    let value = 0;
    let valueStart = afterTag;
    let valueEnd: number;
    switch (wire) {
      case VARINT:
        [value, pos] = readVarint(bytes, afterTag);
        valueEnd = pos;
        break;
      case 1: // 64-bit
        pos = afterTag + 8;
        valueEnd = pos;
        break;
      case LENGTH_DELIMITED: {
        const [length, afterLength] = readVarint(bytes, afterTag);
        valueStart = afterLength;
        valueEnd = afterLength + length;
        pos = valueEnd;
        break;
      }
      case 5: // 32-bit
        pos = afterTag + 4;
        valueEnd = pos;
        break;
      default:
        throw new Error(`ONNX model: unsupported wire type ${wire}`);
    }
    if (pos > end) throw new Error('ONNX model: a field runs past its message');
    yield { number, wire, start: fieldStart, end: pos, value, valueStart, valueEnd };
  }
}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function text(bytes: Uint8Array, field: Field): string {
  return decoder.decode(bytes.subarray(field.valueStart, field.valueEnd));
}

/** Packed or unpacked repeated varints (proto2 writers differ). */
function varints(bytes: Uint8Array, field: Field, into: number[]): void {
  if (field.wire === VARINT) {
    into.push(field.value);
    return;
  }
  let pos = field.valueStart;
  while (pos < field.valueEnd) {
    const [value, next] = readVarint(bytes, pos);
    into.push(value);
    pos = next;
  }
}

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  /** Each attribute as its encoded AttributeProto. */
  attributes: Uint8Array[];
  /** The node as it was encoded; null for a node made by an edit. */
  raw: Uint8Array | null;
}

export interface OnnxInitializer {
  name: string;
  dataType: number;
  dims: number[];
}

/** A model whose graph's nodes can be replaced; the rest is kept as it was read. */
export interface OnnxModel {
  /** Opset version per domain ('' is the ONNX domain). */
  opsets: Map<string, number>;
  nodes: OnnxNode[];
  initializers: Map<string, OnnxInitializer>;
  /** Names of the graph's outputs. */
  graphOutputs: Set<string>;
  /** The bytes read, and where the graph lies in them. */
  bytes: Uint8Array;
  graph: Field;
}

export const TensorType = { FLOAT: 1, UINT8: 2, INT8: 3, INT32: 6, INT64: 7, FLOAT16: 10 } as const;
const ATTRIBUTE_INT = 2;

function readNode(bytes: Uint8Array, field: Field): OnnxNode {
  const node: OnnxNode = {
    name: '',
    opType: '',
    domain: '',
    inputs: [],
    outputs: [],
    attributes: [],
    raw: bytes.subarray(field.start, field.end),
  };
  for (const f of fields(bytes, field.valueStart, field.valueEnd)) {
    if (f.number === 1) node.inputs.push(text(bytes, f));
    else if (f.number === 2) node.outputs.push(text(bytes, f));
    else if (f.number === 3) node.name = text(bytes, f);
    else if (f.number === 4) node.opType = text(bytes, f);
    else if (f.number === 5) node.attributes.push(bytes.subarray(f.valueStart, f.valueEnd));
    else if (f.number === 7) node.domain = text(bytes, f);
  }
  return node;
}

function readInitializer(bytes: Uint8Array, field: Field): OnnxInitializer {
  const tensor: OnnxInitializer = { name: '', dataType: 0, dims: [] };
  for (const f of fields(bytes, field.valueStart, field.valueEnd)) {
    if (f.number === 1) varints(bytes, f, tensor.dims);
    else if (f.number === 2) tensor.dataType = f.value;
    else if (f.number === 8) tensor.name = text(bytes, f);
  }
  return tensor;
}

function nameOf(bytes: Uint8Array, field: Field): string {
  for (const f of fields(bytes, field.valueStart, field.valueEnd)) if (f.number === 1) return text(bytes, f);
  return '';
}

export function readOnnxModel(bytes: Uint8Array): OnnxModel {
  let graph: Field | null = null;
  const opsets = new Map<string, number>();
  for (const f of fields(bytes)) {
    if (f.number === 7 && f.wire === LENGTH_DELIMITED) graph = f;
    else if (f.number === 8 && f.wire === LENGTH_DELIMITED) {
      let domain = '';
      let version = 0;
      for (const g of fields(bytes, f.valueStart, f.valueEnd)) {
        if (g.number === 1) domain = text(bytes, g);
        else if (g.number === 2) version = g.value;
      }
      opsets.set(domain === 'ai.onnx' ? '' : domain, version);
    }
  }
  if (!graph) throw new Error('ONNX model: no graph');
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, OnnxInitializer>();
  const graphOutputs = new Set<string>();
  for (const f of fields(bytes, graph.valueStart, graph.valueEnd)) {
    if (f.wire !== LENGTH_DELIMITED) continue;
    if (f.number === 1) nodes.push(readNode(bytes, f));
    else if (f.number === 5) {
      const tensor = readInitializer(bytes, f);
      initializers.set(tensor.name, tensor);
    } else if (f.number === 12) graphOutputs.add(nameOf(bytes, f));
  }
  return { opsets, nodes, initializers, graphOutputs, bytes, graph };
}

/** An attribute's integer value, if the node has it. */
export function intAttribute(node: OnnxNode, name: string): number | undefined {
  for (const attribute of node.attributes) {
    let found = '';
    let value: number | undefined;
    for (const f of fields(attribute)) {
      if (f.number === 1) found = decoder.decode(attribute.subarray(f.valueStart, f.valueEnd));
      else if (f.number === 3 && f.wire === VARINT) value = f.value;
    }
    if (found === name) return value;
  }
  return undefined;
}

// --- Writing ----------------------------------------------------------------------------------

function varintBytes(value: number): number[] {
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  out.push(rest);
  return out;
}

/** A length-delimited field's header (tag and length). */
function header(number: number, length: number): Uint8Array {
  return Uint8Array.from([...varintBytes(number * 8 + LENGTH_DELIMITED), ...varintBytes(length)]);
}

function stringField(number: number, value: string): Uint8Array[] {
  const bytes = encoder.encode(value);
  return [header(number, bytes.length), bytes];
}

function total(parts: Uint8Array[]): number {
  return parts.reduce((sum, part) => sum + part.length, 0);
}

/** An INT attribute, encoded. */
export function intAttributeBytes(name: string, value: number): Uint8Array {
  const parts = [
    ...stringField(1, name),
    Uint8Array.from([...varintBytes(3 * 8 + VARINT), ...varintBytes(value)]),
    Uint8Array.from([...varintBytes(20 * 8 + VARINT), ...varintBytes(ATTRIBUTE_INT)]),
  ];
  return concat(parts);
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(total(parts));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function nodeParts(node: OnnxNode): Uint8Array[] {
  if (node.raw) return [node.raw];
  const body: Uint8Array[] = [
    ...node.inputs.flatMap((input) => stringField(1, input)),
    ...node.outputs.flatMap((output) => stringField(2, output)),
    ...stringField(3, node.name),
    ...stringField(4, node.opType),
    ...node.attributes.flatMap((attribute) => [header(5, attribute.length), attribute]),
    ...(node.domain ? stringField(7, node.domain) : []),
  ];
  return [header(1, total(body)), ...body];
}

/**
 * The model with the graph's nodes replaced by `nodes` and the value_info entries of `dropped`
 * tensors left out; every other byte as it was read. One buffer is allocated for the result.
 */
export function writeOnnxModel(model: OnnxModel, nodes: OnnxNode[], dropped: ReadonlySet<string>): Uint8Array {
  const { bytes, graph } = model;
  const graphParts: Uint8Array[] = [];
  let nodesWritten = false;
  for (const f of fields(bytes, graph.valueStart, graph.valueEnd)) {
    if (f.number === 1 && f.wire === LENGTH_DELIMITED) {
      if (!nodesWritten) for (const node of nodes) graphParts.push(...nodeParts(node));
      nodesWritten = true;
      continue;
    }
    if (f.number === 13 && f.wire === LENGTH_DELIMITED && dropped.has(nameOf(bytes, f))) continue;
    graphParts.push(bytes.subarray(f.start, f.end));
  }
  if (!nodesWritten) for (const node of nodes) graphParts.push(...nodeParts(node));
  const parts: Uint8Array[] = [];
  for (const f of fields(bytes)) {
    if (f.start === graph.start) {
      parts.push(header(7, total(graphParts)));
      for (const part of graphParts) parts.push(part);
    } else parts.push(bytes.subarray(f.start, f.end));
  }
  return concat(parts);
}

/**
 * The model with every initializer of at least `minBytes` of raw data moved out to "external
 * data" at `location`, whose contents are `bytes` itself: each such tensor keeps its dims, type and
 * name, and points at the offset its raw data already has in the file. Only the small graph is
 * written; the weights are never copied. Null when nothing would move, or when the model already
 * keeps data outside the file (TensorProto.raw_data = 9, external_data = 13, data_location = 14;
 * StringStringEntryProto.key = 1, value = 2).
 */
export function externaliseInitializers(bytes: Uint8Array, location: string, minBytes = 1024): Uint8Array | null {
  const graph = [...fields(bytes)].find((f) => f.number === 7 && f.wire === LENGTH_DELIMITED);
  if (!graph) return null;
  const entry = (key: string, value: string) => {
    const body = [...stringField(1, key), ...stringField(2, value)];
    return [header(13, total(body)), ...body];
  };
  const external = Uint8Array.from([...varintBytes(14 * 8 + VARINT), 1]);
  let moved = 0;
  const graphParts: Uint8Array[] = [];
  for (const f of fields(bytes, graph.valueStart, graph.valueEnd)) {
    if (f.number !== 5 || f.wire !== LENGTH_DELIMITED) {
      graphParts.push(bytes.subarray(f.start, f.end));
      continue;
    }
    const tensorFields = [...fields(bytes, f.valueStart, f.valueEnd)];
    if (tensorFields.some((t) => t.number === 13 || (t.number === 14 && t.value === 1))) return null;
    const raw = tensorFields.find((t) => t.number === 9 && t.wire === LENGTH_DELIMITED);
    if (!raw || raw.valueEnd - raw.valueStart < minBytes) {
      graphParts.push(bytes.subarray(f.start, f.end));
      continue;
    }
    const body = [
      ...tensorFields.filter((t) => t !== raw).map((t) => bytes.subarray(t.start, t.end)),
      ...entry('location', location),
      ...entry('offset', String(raw.valueStart)),
      ...entry('length', String(raw.valueEnd - raw.valueStart)),
      external,
    ];
    graphParts.push(header(5, total(body)), ...body);
    moved++;
  }
  if (moved === 0) return null;
  const parts: Uint8Array[] = [];
  for (const f of fields(bytes)) {
    if (f.start === graph.start) parts.push(header(7, total(graphParts)), ...graphParts);
    else parts.push(bytes.subarray(f.start, f.end));
  }
  return concat(parts);
}
