/**
 * The IR version that first shipped with each default-domain opset (onnx/docs/Versioning.md).
 * Writing the lowest IR that carries the opset keeps models loadable by older runtimes.
 */
export function irVersionForOpset(opset: number): number {
  if (opset <= 8) return 3;
  if (opset === 9) return 4;
  if (opset === 10) return 5;
  if (opset === 11) return 6;
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  if (opset === 21) return 10;
  return 11;
}
