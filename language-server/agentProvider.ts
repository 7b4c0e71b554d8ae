import { createAgent, type Agent } from '../agent-host';
import type { SettingsReader } from './settings/settingsReader';

/**
 * Keeps one agent per configured backend and swaps it when the settings
 * change. Local mode embeds the agent core in this process.
 */
export class AgentProvider {
  private agent: Agent | undefined;

  constructor(private readonly settings: SettingsReader) {}

  /** Re-reads the settings and recreates the agent if its host changed. */
  async refresh(): Promise<Agent> {
    const settings = await this.settings.get();
    let agent = this.agent;
    if (!agent || agent.host !== settings.ollama.host) {
      agent = createAgent({ host: settings.ollama.host });
      this.agent = agent;
    }
    return agent;
  }
}
