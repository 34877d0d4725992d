import type { Scenario } from "../context.js";
import { gameScenarios } from "./game.js";
import { maxscaleScenarios } from "./maxscale.js";
import { nativeScenarios } from "./native.js";
import { roundwareScenarios } from "./roundware.js";
import { sasScenarios } from "./sas.js";

const native = (name: string) => nativeScenarios.filter((s) => s.name.startsWith(name));

/**
 * Every scenario, in the order they run: the order sets what the store holds when each
 * is measured (MaxScale's collection right after the 1,000 sessions of the native GET;
 * the 100,000-session scenarios last).
 */
export const SCENARIOS: Scenario[] = [
  ...native("native GET one"),
  ...native("native list"),
  ...maxscaleScenarios,
  ...sasScenarios,
  ...native("native create"),
  ...native("native join"),
  ...roundwareScenarios,
  ...gameScenarios,
];
