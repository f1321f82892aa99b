package io.runnel.core;

public enum StreamStatus {
    CREATING, DELETING, ACTIVE, UPDATING
}
