// @file Types of fashion-mnist-route.mjs for vite.config.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';

export declare const FASHION_MNIST_ROUTE: string;
export declare const DEFAULT_FASHION_MNIST_DIR: string;
export declare function serveFashionMnist(
  request: IncomingMessage,
  response: ServerResponse,
  dir?: string,
  extraHeaders?: Record<string, string>,
): boolean;
