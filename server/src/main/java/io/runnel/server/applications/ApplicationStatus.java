package io.runnel.server.applications;

/** ApplicationStatus of Managed Service for Apache Flink, as far as Runnel's applications go through them. */
public enum ApplicationStatus {
    DELETING, STARTING, STOPPING, READY, RUNNING, UPDATING, FORCE_STOPPING
}
