// @file The example every user starts from (DESIGN.md), as written, plus a line that reports its accuracy.
import { manualSeed, nn, optim, data, noGrad } from 'neurite';

manualSeed(0);
const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
const lossFn = new nn.BCEWithLogitsLoss();
const opt = new optim.Adam(model.parameters(), { lr: 1e-2 });
const loader = new data.DataLoader(data.datasets.passTheClass({ n: 400 }), { batchSize: 32, shuffle: true });
for (let epoch = 0; epoch < 50; epoch++) {
  for (const [x, y] of loader) {
    opt.zeroGrad();
    const loss = lossFn.forward(model.forward(x), y);
    loss.backward();
    opt.step();
  }
}

// Not in DESIGN.md: how well did it learn? A positive logit means "pass".
let correct = 0;
let total = 0;
noGrad(() => {
  for (const [x, y] of loader) {
    correct += model.forward(x).gt(0).eq(y.gt(0.5)).sum().item();
    total += y.shape[0]!;
  }
});
console.log(`${model.toString()}\ntraining accuracy: ${((100 * correct) / total).toFixed(1)}%`);
