/* The agent's version, reported in meta and state. Kept in step with package.json. */
export const AGENT_VERSION = "0.1.0";
