/** Values of Kafka Connect configurations that more than one connector writes (the Debezium sources, the raw-layer sink). */
import type { PlatformConfig } from '../../config/config.js';

/** `${file:<secrets file>:<key>}`: resolved by the Connect worker's FileConfigProvider, never stored here. */
export function secretRef(config: PlatformConfig, key: string): string {
  return `\${file:${config.connect.secretsFile}:${key}}`;
}
