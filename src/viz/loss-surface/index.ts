// @file viz loss surface: 2-D test functions, optimizer paths on them, loss surfaces of real models and their SVG.
export { TEST_FUNCTIONS, type TestFunction } from './test-functions.js';
export {
  runOptimizerOnFunction,
  runOptimizerOnFunctionAsync,
  DEFAULT_LEARNING_RATES,
  type RunOnFunctionOptions,
  type OptimizerPath,
} from './run-optimizer.js';
export {
  planeCoordinates,
  snapshot as parameterSnapshot,
  type ScalarParameter,
  type SurfacePlane,
} from './plane.js';
export { filterNormalizedDirection, randomPlane, trainingPlane } from './directions.js';
export { lossSurface, functionSurface, type LossSurface, type LossSurfaceOptions } from './surface.js';
export { lossSurfaceSvg, type Trajectory, type LossSurfaceSvgOptions } from './svg.js';
export { viridis } from './colormap.js';
export { recordTrajectory, type RecordedRun } from './record.js';
