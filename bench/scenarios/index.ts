import type { Scenario } from "../context.js";
import { nativeScenarios } from "./native.js";
import { roundwareScenarios } from "./roundware.js";

/** Every benchmark scenario, in the order they run. */
export const SCENARIOS: Scenario[] = [...nativeScenarios, ...roundwareScenarios];
