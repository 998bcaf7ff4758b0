// @file viz: SVG renderers with no native dependency (decision boundary, training curves, confusion matrix, loss surfaces).
export {
  decisionBoundarySvg,
  type BoundaryPanel,
  type DecisionBoundaryOptions,
} from './decision-boundary.js';
export { curvesSvg, type CurveOptions, type CurveSeries } from './curves.js';
export { confusionMatrixSvg, type ConfusionMatrixOptions } from './confusion-matrix.js';
export {
  TEST_FUNCTIONS as testFunctions,
  runOptimizerOnFunction,
  runOptimizerOnFunctionAsync,
  DEFAULT_LEARNING_RATES,
  lossSurface,
  functionSurface,
  lossSurfaceSvg,
  planeCoordinates,
  parameterSnapshot,
  filterNormalizedDirection,
  randomPlane,
  trainingPlane,
  viridis,
  recordTrajectory,
  type RecordedRun,
  type TestFunction,
  type RunOnFunctionOptions,
  type OptimizerPath,
  type LossSurface,
  type LossSurfaceOptions,
  type LossSurfaceSvgOptions,
  type ScalarParameter,
  type SurfacePlane,
  type Trajectory,
} from './loss-surface/index.js';
