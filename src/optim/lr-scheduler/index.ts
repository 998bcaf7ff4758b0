// @file optim.lrScheduler: learning-rate schedules (torch.optim.lr_scheduler).
export { LRScheduler, SchedulerBase, type AnyOptimizer, type SchedulerStateDict } from './base.js';
export * from './step.js';
export * from './cosine.js';
export * from './linear.js';
export * from './one-cycle.js';
export * from './plateau.js';
export * from './sequential.js';
