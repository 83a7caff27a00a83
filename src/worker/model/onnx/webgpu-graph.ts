/**
 * Makes an 8-bit (`_quantized`) ONNX graph runnable on WebGPU. ONNX Runtime's WebGPU provider has
 * no kernels for DynamicQuantizeLinear, MatMulInteger or ConvInteger, nor a Gather over int8
 * tables, so those run on the CPU with a GPU readback around every linear layer. Each such group
 * is replaced by the float operation on a DequantizeLinear of the stored 8-bit weight:
 *
 *   x → DynamicQuantizeLinear → MatMulInteger(·, W_q, ·, W_zp) → Cast → Mul(·, x_scale · W_scale)
 *     ⇒ MatMul(x, DequantizeLinear(W_q, W_scale, W_zp))
 *   x → DynamicQuantizeLinear → ConvInteger(·, W_q, ·, W_zp) → Cast → Mul(·, x_scale · W_scale)
 *     ⇒ Conv(x, DequantizeLinear(W_q, W_scale, W_zp))            (same attributes)
 *   Gather(T_q, ids) → DequantizeLinear(·, s, zp)  ⇒  Gather(DequantizeLinear(T_q, s, zp), ids)
 *
 * Every DequantizeLinear then reads initializers only; a session created with
 * `session.disable_quant_qdq = 1` folds them into float weights once, at creation, and the whole
 * graph runs on the GPU. The float form is exact for the weights (what the 8-bit file stores) and
 * drops the activation quantisation, so it lies closer to the fp32 model than the WASM q8 run does.
 */
import {
  TensorType,
  intAttribute,
  intAttributeBytes,
  readOnnxModel,
  writeOnnxModel,
  type OnnxInitializer,
  type OnnxModel,
  type OnnxNode,
} from './onnx-wire.ts';

/** What a rewrite changed, and what it left on the CPU. */
export interface RewriteReport {
  matMuls: number;
  convs: number;
  gathers: number;
  /** Integer operators left as they were (they will run on the CPU). */
  leftOver: Record<string, number>;
  ms: number;
}

/** The session options a rewritten graph needs: DequantizeLinear of initializers folded at creation. */
export const FOLD_DEQUANTIZE = { session: { disable_quant_qdq: '1' } } as const;

const INTEGER_OPS = new Set(['DynamicQuantizeLinear', 'MatMulInteger', 'ConvInteger']);
const QUANTISED_TYPES = new Set<number>([TensorType.INT8, TensorType.UINT8]);

/** Whether the graph has anything the rewrite would change (cheap: one pass over node types). */
export function hasIntegerOps(model: OnnxModel): boolean {
  return model.nodes.some(
    (node) =>
      (node.domain === '' || node.domain === 'ai.onnx') &&
      (INTEGER_OPS.has(node.opType) || isQuantisedGather(model, node)),
  );
}

function isQuantisedGather(model: OnnxModel, node: OnnxNode): boolean {
  if (node.opType !== 'Gather') return false;
  const table = model.initializers.get(node.inputs[0]);
  return table !== undefined && QUANTISED_TYPES.has(table.dataType);
}

function elementCount(tensor: OnnxInitializer): number {
  return tensor.dims.reduce((a, b) => a * b, 1);
}

class Graph {
  readonly producer = new Map<string, OnnxNode>();
  readonly consumers = new Map<string, OnnxNode[]>();
  /** Nodes to drop, and what replaces some of them (written where the replaced node stood). */
  readonly removed = new Set<OnnxNode>();
  readonly replacements = new Map<OnnxNode, OnnxNode[]>();
  private counter = 0;

  constructor(readonly model: OnnxModel) {
    for (const node of model.nodes) {
      for (const output of node.outputs) this.producer.set(output, node);
      for (const input of node.inputs) {
        if (!input) continue;
        const list = this.consumers.get(input) ?? [];
        list.push(node);
        this.consumers.set(input, list);
      }
    }
  }

  initializer(name: string | undefined): OnnxInitializer | undefined {
    return name ? this.model.initializers.get(name) : undefined;
  }

  /** The only consumer of `name`, when it has exactly one and is not a graph output. */
  soleConsumer(name: string, opType: string): OnnxNode | undefined {
    const list = this.consumers.get(name) ?? [];
    if (list.length !== 1 || this.model.graphOutputs.has(name)) return undefined;
    return list[0].opType === opType && !this.removed.has(list[0]) ? list[0] : undefined;
  }

  fresh(base: string): string {
    let name: string;
    do name = `${base}/webgpu_${++this.counter}`;
    while (this.producer.has(name) || this.model.initializers.has(name));
    return name;
  }

  node(opType: string, inputs: string[], outputs: string[], attributes: Uint8Array[] = []): OnnxNode {
    const node: OnnxNode = { name: this.fresh(opType), opType, domain: '', inputs, outputs, attributes, raw: null };
    for (const output of outputs) this.producer.set(output, node);
    return node;
  }

  /** A DequantizeLinear of a stored weight: per tensor, or per channel along `axis`. */
  dequantize(weight: string, scale: string, zeroPoint: string | undefined, axis: number | null): [OnnxNode, string] {
    const output = this.fresh(`${weight}_dequantized`);
    const inputs = zeroPoint ? [weight, scale, zeroPoint] : [weight, scale];
    const attributes = axis === null ? [] : [intAttributeBytes('axis', axis)];
    return [this.node('DequantizeLinear', inputs, [output], attributes), output];
  }

  isDead(node: OnnxNode): boolean {
    return node.outputs.every(
      (output) =>
        !output ||
        (!this.model.graphOutputs.has(output) &&
          (this.consumers.get(output) ?? []).every((consumer) => this.removed.has(consumer))),
    );
  }
}

/**
 * The scale axis a DequantizeLinear needs for this weight scale: null per tensor, `axis` when the
 * scale has one value per channel along it; undefined when the shapes do not fit.
 */
function scaleAxis(scale: OnnxInitializer, weight: OnnxInitializer, axis: number): number | null | undefined {
  const count = elementCount(scale);
  if (count === 1 && scale.dims.length <= 1) return null;
  return scale.dims.length === 1 && count === weight.dims[axis] ? axis : undefined;
}

/**
 * `node` (MatMulInteger or ConvInteger) with its input quantised by a DynamicQuantizeLinear and its
 * output scaled back: the float input, the weight's scale and zero point, and the final Mul.
 */
function integerGroup(graph: Graph, node: OnnxNode, weightAxis: number) {
  const [quantised, weightName, inputZero, weightZero] = node.inputs;
  const weight = graph.initializer(weightName);
  const quantise = graph.producer.get(quantised);
  if (!weight || !QUANTISED_TYPES.has(weight.dataType)) return null;
  if (!quantise || quantise.opType !== 'DynamicQuantizeLinear' || quantise.outputs[0] !== quantised) return null;
  if (inputZero && inputZero !== quantise.outputs[2]) return null;
  if (weightZero && !graph.initializer(weightZero)) return null;
  const cast = graph.soleConsumer(node.outputs[0], 'Cast');
  if (!cast || intAttribute(cast, 'to') !== TensorType.FLOAT) return null;
  const rescale = graph.soleConsumer(cast.outputs[0], 'Mul');
  if (!rescale) return null;
  const scalesName = rescale.inputs[0] === cast.outputs[0] ? rescale.inputs[1] : rescale.inputs[0];
  const scales = graph.producer.get(scalesName);
  if (!scales || scales.opType !== 'Mul' || !scales.inputs.includes(quantise.outputs[1])) return null;
  const weightScaleName = scales.inputs[0] === quantise.outputs[1] ? scales.inputs[1] : scales.inputs[0];
  const weightScale = graph.initializer(weightScaleName);
  if (!weightScale || weightScale.dataType !== TensorType.FLOAT) return null;
  const axis = scaleAxis(weightScale, weight, weightAxis);
  if (axis === undefined) return null;
  return { input: quantise.inputs[0], weightName, weightZero, weightScaleName, axis, cast, rescale, scales, quantise };
}

function rewriteInteger(graph: Graph, node: OnnxNode, opType: 'MatMul' | 'Conv'): boolean {
  // MatMulInteger's weight is [K, N] (a per-channel scale runs along N); ConvInteger's is [M, C, kH, kW].
  const group = integerGroup(graph, node, opType === 'MatMul' ? 1 : 0);
  if (!group) return false;
  const { input, weightName, weightZero, weightScaleName, axis, cast, rescale, scales, quantise } = group;
  const [dequantize, weight] = graph.dequantize(weightName, weightScaleName, weightZero, axis);
  // Conv keeps ConvInteger's attributes (kernel, strides, pads, dilations, group); MatMul has none.
  const float = graph.node(opType, [input, weight], [rescale.outputs[0]], opType === 'Conv' ? node.attributes : []);
  graph.replacements.set(node, [dequantize, float]);
  for (const gone of [node, cast, rescale]) graph.removed.add(gone);
  // Shared by q/k/v: the scale product and the quantisation go once nothing reads them.
  for (const maybe of [scales, quantise]) if (graph.isDead(maybe)) graph.removed.add(maybe);
  return true;
}

function rewriteGather(graph: Graph, node: OnnxNode): boolean {
  if (!isQuantisedGather(graph.model, node)) return false;
  const dequantize = graph.soleConsumer(node.outputs[0], 'DequantizeLinear');
  if (!dequantize) return false;
  const [, scale, zeroPoint] = dequantize.inputs;
  const scaleTensor = graph.initializer(scale);
  if (!scaleTensor || elementCount(scaleTensor) !== 1) return false;
  if (zeroPoint && !graph.initializer(zeroPoint)) return false;
  const [tableDequantize, table] = graph.dequantize(node.inputs[0], scale, zeroPoint, null);
  const gather = graph.node('Gather', [table, ...node.inputs.slice(1)], [dequantize.outputs[0]], node.attributes);
  graph.replacements.set(node, [tableDequantize, gather]);
  graph.removed.add(node);
  graph.removed.add(dequantize);
  return true;
}

/**
 * The model for a WebGPU session whose DequantizeLinear nodes are folded at creation (the same
 * bytes when only that is needed), or null for a graph with nothing 8-bit in it (fp32, fp16).
 */
export function rewriteForWebGpu(bytes: Uint8Array): { bytes: Uint8Array; report: RewriteReport } | null {
  const started = performance.now();
  const model = readOnnxModel(bytes);
  if (!hasIntegerOps(model)) {
    if (!model.nodes.some((node) => node.opType === 'DequantizeLinear')) return null;
    const report = { matMuls: 0, convs: 0, gathers: 0, leftOver: {}, ms: performance.now() - started };
    return { bytes, report };
  }
  const graph = new Graph(model);
  const report: RewriteReport = { matMuls: 0, convs: 0, gathers: 0, leftOver: {}, ms: 0 };
  // Per-channel DequantizeLinear (an axis attribute) needs opset 13.
  const perChannel = (model.opsets.get('') ?? 0) >= 13;
  for (const node of model.nodes) {
    if (node.domain !== '' || graph.removed.has(node)) continue;
    if (node.opType === 'MatMulInteger' && rewriteInteger(graph, node, 'MatMul')) report.matMuls++;
    else if (node.opType === 'ConvInteger' && rewriteInteger(graph, node, 'Conv')) report.convs++;
    else if (node.opType === 'Gather' && rewriteGather(graph, node)) report.gathers++;
  }
  if (!perChannel) {
    for (const replaced of graph.replacements.values()) {
      if (replaced[0].attributes.length > 0) return null; // would need an opset the model does not import
    }
  }
  const nodes: OnnxNode[] = [];
  const dropped = new Set<string>();
  for (const node of model.nodes) {
    const replacement = graph.replacements.get(node);
    if (replacement) nodes.push(...replacement);
    if (graph.removed.has(node)) {
      for (const output of node.outputs)
        if (!graph.producer.get(output) || graph.producer.get(output) === node) dropped.add(output);
      continue;
    }
    if (!replacement) nodes.push(node);
    if (INTEGER_OPS.has(node.opType)) report.leftOver[node.opType] = (report.leftOver[node.opType] ?? 0) + 1;
  }
  const rewritten = writeOnnxModel(model, nodes, dropped);
  report.ms = performance.now() - started;
  return { bytes: rewritten, report };
}
