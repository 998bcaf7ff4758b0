// @file Sequential, ModuleList and ModuleDict: naming, indexing, mutation, iteration, printing and errors.
import { describe, expect, it } from 'vitest';
import { NeuriteError, ValueError, nn, randn, type Tensor } from '../../src/index.js';

const lin = (i = 2, o = 2) => new nn.Linear(i, o);

describe('Sequential', () => {
  it('chains its layers in order', () => {
    const model = new nn.Sequential(lin(2, 3), new nn.ReLU(), lin(3, 1));
    const x = randn([4, 2]);
    const expected = model.at(2).forward(model.at(1).forward(model.at(0).forward(x)));
    expect(Array.from(model.forward(x).storage)).toEqual(Array.from(expected.storage));
    expect(new nn.Sequential().forward(x)).toBe(x);
  });

  it("names children '0', '1', … and supports length, at(-i) and iteration", () => {
    const a = lin();
    const b = new nn.Tanh();
    const model = new nn.Sequential(a, b);
    expect(model.length).toBe(2);
    expect(model.at(0)).toBe(a);
    expect(model.at(-1)).toBe(b);
    expect([...model]).toEqual([a, b]);
    expect(model.namedChildren().map(([name]) => name)).toEqual(['0', '1']);
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias']);
    expect(() => model.at(2)).toThrow(ValueError);
    expect(() => model.at(-3)).toThrow('Sequential.at: index -3 is out of range for 2 module(s)');
  });

  it('append, extend, insert and pop (insert and pop renumber the names)', () => {
    const model = new nn.Sequential(lin()).append(new nn.ReLU()).extend([lin(), new nn.Sigmoid()]);
    expect(model.length).toBe(4);
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const popped = model.pop(0);
    expect(popped).toBeInstanceOf(nn.Linear);
    expect(Object.keys(model.stateDict())).toEqual(['1.weight', '1.bias']);
    model.insert(0, new nn.Identity());
    expect(model.namedChildren().map(([name, m]) => `${name}:${m.constructor.name}`)).toEqual([
      '0:Identity',
      '1:ReLU',
      '2:Linear',
      '3:Sigmoid',
    ]);
    expect(model.pop()).toBeInstanceOf(nn.Sigmoid);
    expect(() => model.insert(5, lin())).toThrow(ValueError);
  });

  it('takes named layers from a Map or an object (PyTorch OrderedDict form) and slices keep names', () => {
    const model = new nn.Sequential(
      new Map<string, nn.TensorModule>([
        ['fc1', lin(2, 3)],
        ['act', new nn.ReLU()],
        ['fc2', lin(3, 1)],
      ]),
    );
    expect(Object.keys(model.stateDict())).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(model.toString()).toBe(
      'Sequential(\n  (fc1): Linear(in_features=2, out_features=3, bias=True)\n  (act): ReLU()\n' +
        '  (fc2): Linear(in_features=3, out_features=1, bias=True)\n)',
    );
    const tail = model.slice(1);
    expect(tail.namedChildren().map(([name]) => name)).toEqual(['act', 'fc2']);
    expect(tail.at(1)).toBe(model.at(2));
    const fromObject = new nn.Sequential({ encoder: lin(), decoder: lin() });
    expect(Object.keys(fromObject.stateDict())).toEqual([
      'encoder.weight',
      'encoder.bias',
      'decoder.weight',
      'decoder.bias',
    ]);
  });

  it('rejects bad names and non-modules', () => {
    expect(() => new nn.Sequential({ 'a.b': lin() })).toThrow(
      'Sequential: module name must be a non-empty string without ".", got "a.b"',
    );
    expect(() => new nn.Sequential({ '': lin() })).toThrow(ValueError);
    expect(() => new nn.Sequential(lin()).append({} as nn.TensorModule)).toThrow(
      'Sequential.append: expected a Module, got object',
    );
  });

  it('prints empty and nested containers like PyTorch', () => {
    expect(new nn.Sequential().toString()).toBe('Sequential()');
    expect(new nn.Sequential(new nn.Sequential(new nn.ReLU())).toString()).toBe(
      'Sequential(\n  (0): Sequential(\n    (0): ReLU()\n  )\n)',
    );
  });

  it('shares a layer used twice: its parameters are listed once', () => {
    const shared = lin();
    const model = new nn.Sequential(shared, new nn.ReLU(), shared);
    expect(model.parameters().length).toBe(2);
    expect(model.namedModules().map(([name]) => name)).toEqual(['', '0', '1']);
    // As in PyTorch, the state dict lists the shared layer under both names, and loading fills it.
    expect(Object.keys(model.stateDict())).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    const state = model.stateDict();
    model.loadStateDict({ ...state, '2.weight': randn([2, 2]), '2.bias': randn([2]) });
    expect(model.toString()).toContain('(2): Linear(in_features=2, out_features=2, bias=True)');
  });
});

describe('ModuleList', () => {
  it('registers its modules under indices, with append/extend/insert/set/pop/at', () => {
    const list = new nn.ModuleList([lin(), lin()]);
    expect(list.length).toBe(2);
    list.append(lin(2, 3)).extend([lin(3, 3)]);
    expect(list.at(-1).outFeatures).toBe(3);
    const replacement = lin(2, 5);
    list.set(0, replacement);
    expect(list.at(0)).toBe(replacement);
    list.insert(1, lin(2, 7));
    expect([...list].map((m) => m.outFeatures)).toEqual([5, 7, 2, 3, 3]);
    expect(list.pop(1).outFeatures).toBe(7);
    expect(Object.keys(list.stateDict())).toEqual([0, 1, 2, 3].flatMap((i) => [`${i}.weight`, `${i}.bias`]));
    expect(() => list.at(4)).toThrow(ValueError);
  });

  it('inside a model gives PyTorch names (blocks.0.weight), and has no forward of its own', () => {
    class Model extends nn.Module {
      blocks = new nn.ModuleList<nn.TensorModule>([lin(), new nn.ReLU(), lin()]);
      forward(x: Tensor): Tensor {
        for (const block of this.blocks) x = block.forward(x);
        return x;
      }
    }
    const model = new Model();
    expect(Object.keys(model.stateDict())).toEqual([
      'blocks.0.weight',
      'blocks.0.bias',
      'blocks.2.weight',
      'blocks.2.bias',
    ]);
    expect(model.forward(randn([3, 2])).shape).toEqual([3, 2]);
    expect(() => model.blocks.forward()).toThrow(NeuriteError);
    model.eval();
    expect(model.blocks.at(1).training).toBe(false);
  });
});

describe('ModuleDict', () => {
  it('keeps insertion order and is Map-like', () => {
    const dict = new nn.ModuleDict<nn.Linear>({ z: lin(), a: lin() });
    expect([...dict.keys()]).toEqual(['z', 'a']);
    dict.set('m', lin(2, 4));
    expect(dict.size).toBe(3);
    expect(dict.has('m')).toBe(true);
    expect(dict.get('m').outFeatures).toBe(4);
    expect([...dict].map(([k]) => k)).toEqual(['z', 'a', 'm']);
    expect([...dict.values()].length).toBe(3);
    expect(Object.keys(dict.stateDict())).toEqual([
      'z.weight',
      'z.bias',
      'a.weight',
      'a.bias',
      'm.weight',
      'm.bias',
    ]);
    expect(dict.pop('z')).toBeInstanceOf(nn.Linear);
    expect(dict.delete('a')).toBe(true);
    expect(dict.delete('a')).toBe(false);
    expect([...dict.entries()].map(([k]) => k)).toEqual(['m']);
    dict.update(new Map([['b', lin()]]));
    dict.update([['c', lin()]]);
    expect([...dict.keys()]).toEqual(['m', 'b', 'c']);
    dict.clear();
    expect(dict.size).toBe(0);
  });

  it('throws for a missing key, listing the keys, and rejects dotted keys', () => {
    const dict = new nn.ModuleDict({ cls: lin() });
    expect(() => dict.get('reg')).toThrow("ModuleDict.get: no module under key 'reg' (keys: 'cls')");
    expect(() => dict.set('a.b', lin())).toThrow(ValueError);
    expect(() => dict.forward()).toThrow(NeuriteError);
  });

  it('prints its children by key', () => {
    expect(new nn.ModuleDict({ act: new nn.ReLU() }).toString()).toBe('ModuleDict(\n  (act): ReLU()\n)');
  });
});
