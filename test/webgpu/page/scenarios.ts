// @file Behaviours of the webgpu backend beyond golden values: stale-read protection, fallbacks, dispose, switching away.

export interface ScenarioResult {
  ok: boolean;
  detail: string;
}

export const SCENARIOS: Record<string, () => Promise<ScenarioResult>> = {};
