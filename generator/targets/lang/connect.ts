/**
 * Values of Kafka Connect configurations that more than one connector writes (the Debezium sources, the raw-layer
 * sink), and where the Connect workers find the credentials they reference.
 *
 * Credentials are never literal: a connector's config holds `${file:<path>:<key>}`, resolved by the worker's
 * FileConfigProvider under the alias `file`, which the KafkaConnect declares (`config.providers: file`; the
 * debezium target writes that patch). `<path>` is the properties file of the Secret `connect.credentials.secretName`,
 * mounted where the configured Strimzi API can mount it:
 * - kafka.strimzi.io/v1 (Strimzi 0.49+, the only API from 1.0): a template volume, whose mount path Strimzi
 *   requires to start with `/mnt` (TemplateUtils.ALLOWED_MOUNT_PATH): `/mnt/<secret>/<key>`;
 * - kafka.strimzi.io/v1beta2 (Strimzi before 1.0): `spec.externalConfiguration.volumes`, which Strimzi mounts
 *   at `/opt/kafka/external-configuration/<volume name>`; v1 has no externalConfiguration.
 */
import type { PlatformConfig } from '../../config/config.js';

/** The config-provider alias the placeholders use; the KafkaConnect patch declares it. */
export const CONFIG_PROVIDER_ALIAS = 'file';
export const FILE_CONFIG_PROVIDER = 'org.apache.kafka.common.config.provider.FileConfigProvider';

/** The directory the credentials Secret is mounted at in the Connect pods, for the configured Strimzi API. */
export function credentialsMountPath(config: PlatformConfig): string {
  const secret = config.connect.credentials.secretName;
  return config.kafka.strimziApiVersion === 'kafka.strimzi.io/v1' ? `/mnt/${secret}` : `/opt/kafka/external-configuration/${secret}`;
}

/** The credentials properties file as the Connect workers see it. */
export function credentialsFile(config: PlatformConfig): string {
  return `${credentialsMountPath(config)}/${config.connect.credentials.key}`;
}

/** `${file:<credentials file>:<key>}`: resolved by the Connect worker's FileConfigProvider, never stored here. */
export function secretRef(config: PlatformConfig, key: string): string {
  return `\${${CONFIG_PROVIDER_ALIAS}:${credentialsFile(config)}:${key}}`;
}
