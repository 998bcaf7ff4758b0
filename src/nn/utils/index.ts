// @file nn.utils: gradient clipping and other helpers that act on parameters.
export * from './clip-grad.js';
