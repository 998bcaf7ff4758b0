// @file DeviceStorage over wasm arena blocks, in Node with a recording stand-in device: one region per block, its
// views offsets into it, the region gone when the block is returned, and lost blocks refused.
import { describe, expect, it } from 'vitest';
import { ResidentStorage } from '../../src/backend/wasm/arena-storage.js';
import { CommandBatch } from '../../src/backend/webgpu/batch.js';
import { DeviceStorage } from '../../src/backend/webgpu/storage.js';

interface Recorded {
  readonly device: GPUDevice;
  /** Bytes of each queue.writeBuffer (uploads). */
  readonly uploads: number[];
  /** GPU buffers created so far. */
  created: number;
}

/** Just enough of a GPUDevice for DeviceStorage's bookkeeping (no kernel runs, no download). */
function standInDevice(): Recorded {
  const recorded: Recorded = { uploads: [], created: 0, device: null as unknown as GPUDevice };
  const device = {
    limits: { maxBufferSize: 1 << 30 },
    lost: new Promise(() => undefined),
    addEventListener: () => undefined,
    createBuffer: ({ size }: { size: number }) => {
      recorded.created++;
      return { size, destroy: () => undefined };
    },
    createCommandEncoder: () => ({ copyBufferToBuffer: () => undefined, finish: () => ({}) }),
    queue: {
      writeBuffer: (_buffer: unknown, _offset: number, _data: unknown, _from: number, bytes: number) =>
        recorded.uploads.push(bytes),
      submit: () => undefined,
    },
  };
  return Object.assign(recorded, { device: device as unknown as GPUDevice });
}

function setUp(): { storage: DeviceStorage; resident: ResidentStorage; recorded: Recorded } {
  const memory = new WebAssembly.Memory({ initial: 16 });
  const resident = new ResidentStorage(memory.buffer, 0, 1 << 20, 16);
  const recorded = standInDevice();
  const storage = new DeviceStorage(recorded.device, new CommandBatch(recorded.device));
  storage.addForeignMemory(resident);
  return { storage, resident, recorded };
}

describe('DeviceStorage over wasm arena blocks', () => {
  it('gives a block one region: a view written on the GPU makes the whole block device-newer', () => {
    const { storage, resident, recorded } = setUp();
    const other = resident.float32(64, true)!;
    const base = resident.float32(2000, true)!;
    const view = base.subarray(500, 700);
    expect(storage.isUntracked(view)).toBe(false);
    storage.prepareWrite(view, 'mul_');
    expect(recorded.uploads).toEqual([8000]); // a partial write keeps the rest: the block is uploaded once
    expect(storage.residence(base)).toBe('device');
    expect(storage.residence(base.subarray(1990))).toBe('device');
    expect(storage.residence(other)).toBe('host');
    expect(() => storage.checkHostCurrent(base.subarray(0, 10), 'item')).toThrow(/await t\.data\(\)/);
    expect(storage.coversRegion(base)).toBe(true);
    expect(storage.coversRegion(view)).toBe(false);
    expect(storage.deviceNewerCount).toBe(1);
    expect(storage.lostBuffers()).toEqual([{ memory: base.buffer, start: base.byteOffset }]);
    storage.prepareRead(base, 'add'); // the GPU copy is the newest: nothing to upload
    expect(recorded.uploads).toHaveLength(1);
    expect(recorded.created).toBe(1);
  });

  it('drops the region when the arena takes the block back, so a block handed out again starts on the host', () => {
    const { storage, resident } = setUp();
    const base = resident.float32(2000, true)!;
    storage.prepareWrite(base, 'fill_');
    expect(resident.release(base)).toBe(true);
    expect(storage.deviceNewerCount).toBe(0);
    expect(storage.lostBuffers()).toEqual([]);
    const again = resident.float32(2000, true)!;
    expect(again.byteOffset).toBe(base.byteOffset);
    expect(storage.residence(again)).toBe('host');
    expect(() => storage.checkHostCurrent(again, 'dataSync')).not.toThrow();
  });

  it('disposing a block’s base array returns the block to the arena and drops its region', () => {
    const { storage, resident } = setUp();
    const base = resident.float32(2000, true)!;
    storage.prepareWrite(base, 'add');
    expect(storage.release(base.subarray(10))).toBe(false); // a view is not the block's array
    expect(storage.release(base)).toBe(true);
    expect(storage.deviceNewerCount).toBe(0);
    expect(resident.blockContaining(base.byteOffset)).toBeNull();
    expect(storage.release(base)).toBe(false);
  });

  it('after a loss, a device-newer block is NaN on the host and refused by the next device', () => {
    const { storage, resident } = setUp();
    const lost = resident.float32(100, true)!;
    const kept = resident.float32(100, true)!.fill(4);
    storage.prepareWrite(lost, 'mul');
    storage.prepareRead(kept, 'mul');
    storage.markLost();
    expect(Array.from(lost.subarray(0, 3))).toEqual([NaN, NaN, NaN]);
    expect(kept[0]).toBe(4);
    expect(() => storage.checkHostCurrent(lost.subarray(10, 20), 'item')).toThrow(/device that was lost/);

    const next = setUp(); // a new device over the same kind of memory: hand the marks over
    const marks = storage.lostBuffers().map((mark) => ({ ...mark, memory: next.resident.memory }));
    const onNext = next.resident.float32(100, true)!;
    for (const mark of marks) next.storage.addLost(mark);
    expect(() => next.storage.prepareRead(onNext, 'add')).toThrow(/device that was lost/);
    next.resident.release(onNext); // the block returned: its mark goes with it
    expect(() => next.storage.prepareRead(next.resident.float32(100, true)!, 'add')).not.toThrow();
  });

  it('leaves arrays of the memory that are on no live block untracked (uploaded per use, never outputs)', () => {
    const { storage, resident } = setUp();
    const loose = new Float32Array(resident.memory, 1 << 19, 10);
    expect(storage.isUntracked(loose)).toBe(true);
    expect(() => storage.prepareWrite(loose, 'add_')).toThrow(/no live block/);
  });
});
