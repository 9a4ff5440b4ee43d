/**
 * The operators an untrusted adapter may use: enough for linear, MLP and normalising heads, and
 * nothing with control flow, data-dependent shapes, string handling or I/O. `constInputs` lists
 * input positions that, when present, must be initializers (not graph inputs): they decide output
 * shapes or numerics that we check statically.
 */
export interface AllowedOp {
  constInputs: readonly number[];
}

const none: AllowedOp = { constInputs: [] };

export const ALLOWED_OPS: ReadonlyMap<string, AllowedOp> = new Map<string, AllowedOp>([
  ['Gemm', none],
  ['MatMul', none],
  ['Add', none],
  ['Sub', none],
  ['Mul', none],
  ['Div', none],
  ['Relu', none],
  ['LeakyRelu', none],
  ['Tanh', none],
  ['Sigmoid', none],
  ['Softmax', none],
  ['Identity', none],
  ['Flatten', none],
  ['Reshape', { constInputs: [1] }],
  ['Concat', none],
  // Axes arrive as an input from opset 13 (ReduceSum) / 18 (the others); constant so shapes are known.
  ['ReduceSum', { constInputs: [1] }],
  ['ReduceMean', { constInputs: [1] }],
  ['ReduceL2', { constInputs: [1] }],
  ['Sqrt', none],
  ['Max', none],
  ['Min', none],
  ['Clip', none],
  ['Exp', none],
  ['Log', none],
  ['Pow', { constInputs: [1] }],
  ['Transpose', none],
  ['Unsqueeze', { constInputs: [1] }],
  ['Squeeze', { constInputs: [1] }],
  ['Slice', { constInputs: [1, 2, 3, 4] }],
  // Constant indices only: a head keeps the columns its training data used, checked in range.
  ['Gather', { constInputs: [1] }],
]);
