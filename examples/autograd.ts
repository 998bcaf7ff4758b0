// @file Tensors and reverse-mode autograd on their own: a perceptron trained by hand-written gradient descent.
import { manualSeed, noGrad, randn, tensor, zeros } from 'neurite';

manualSeed(0);
// Four students: [lectures attended, hours on the final project], and whether they passed.
const x = tensor([
  [4, 5],
  [2, 3],
  [10, 9],
  [11, 7],
]);
const y = tensor([[0], [0], [1], [1]]);
const w = randn([2, 1], { requiresGrad: true });
const b = zeros([1], { requiresGrad: true });

for (let step = 0; step < 2000; step++) {
  // y = g(w0 + Xᵀw) with g = σ; binary cross-entropy written out by hand.
  const p = x.matmul(w).add(b).sigmoid();
  const loss = y
    .mul(p.log())
    .add(y.neg().add(1).mul(p.neg().add(1).log()))
    .mean()
    .neg();
  loss.backward();
  noGrad(() => {
    w.sub_(w.grad!.mul(0.05));
    b.sub_(b.grad!.mul(0.05));
  });
  w.grad = null;
  b.grad = null;
  if (step % 500 === 0)
    console.log(`step ${step}: loss ${loss.item().toFixed(4)} (${loss.gradFn?.toString()})`);
}
console.log('w =', w.toString(), '\nb =', b.toString());
console.log(
  'p(pass | 4 lectures, 5 hours) =',
  noGrad(() =>
    tensor([[4, 5]])
      .matmul(w)
      .add(b)
      .sigmoid()
      .item(),
  ).toFixed(3),
);
