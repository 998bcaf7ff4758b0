// @file The webgpu backend's host gate: host reads and writes check the GPU copy; strided copies run on the GPU.
import type { TypedArray } from '../../tensor/dtype.js';
import type { HostGate } from '../../tensor/host-gate.js';
import type { StridedLayout } from '../../tensor/strided.js';
import type { DeviceContext } from './device-context.js';
import type { LayoutKernels } from './layout.js';

/**
 * The HostGate of one webgpu device. While the backend is active (`isActive()`), strided gathers and scatters
 * of the tensor layer that touch GPU-newer storage run as GPU kernels, so such views stay on the GPU; the
 * others run on the host after the same staleness check as every other host access.
 */
export function webGpuHostGate(ctx: DeviceContext, layout: LayoutKernels, isActive: () => boolean): HostGate {
  const storage = ctx.storage;
  const onGpu = (): boolean => isActive() && !ctx.batch.isLost;
  return {
    readable: (arr, op) => storage.checkHostCurrent(arr, op),
    written: (arr, op) => {
      // A write of the whole buffer replaces every value: the GPU copy is simply stale afterwards.
      if (storage.coversRegion(arr) && storage.residence(arr) === 'device') {
        storage.markHostNewer(arr);
        return;
      }
      storage.hostWrote(arr, op);
    },
    gather(base: TypedArray, shape: readonly number[], view: StridedLayout, out: TypedArray): boolean {
      // On the host when its copy is current (the result is then a host array, readable synchronously).
      if (!onGpu() || storage.residence(base) !== 'device') {
        storage.checkHostCurrent(base, 'contiguous');
        return false;
      }
      ctx.beginOp('contiguous');
      layout.gather(base, shape, view, out);
      ctx.finishOp();
      return true;
    },
    scatter(values: TypedArray, base: TypedArray, shape: readonly number[], view: StridedLayout): boolean {
      const onHost = storage.residence(base) !== 'device' && storage.residence(values) !== 'device';
      if (!onGpu() || storage.isUntracked(base) || onHost) {
        storage.checkHostCurrent(values, 'copy_');
        storage.hostWrote(base, 'copy_');
        return false;
      }
      ctx.beginOp('copy_');
      layout.scatter(values, shape, base, view);
      ctx.finishOp();
      return true;
    },
  };
}
