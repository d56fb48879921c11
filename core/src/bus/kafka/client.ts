import kafkajs from 'kafkajs';

/**
 * The Kafka client's runtime values. kafkajs is CommonJS, and Node's ESM loader cannot detect all of its named
 * exports (ConfigResourceTypes, for one), so they are taken from the default export in this one place.
 */
export const { AssignerProtocol, ConfigResourceTypes, Kafka, PartitionAssigners, Partitioners, logLevel } = kafkajs;
