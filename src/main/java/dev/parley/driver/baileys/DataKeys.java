package dev.parley.driver.baileys;

import javax.crypto.SecretKey;

/**
 * Where the keys that encrypt session state at rest come from. Each encrypted value records the id of its key,
 * so keys can be rotated and another source plugged in: {@link LocalDataKeys} reads a key file in the data
 * directory; {@link KmsDataKeys} keeps a data key made by KMS {@code GenerateDataKey}, stores only its wrapped
 * blob (the id names it), and asks KMS to {@code Decrypt} that blob once per process.
 */
public interface DataKeys {

    /** A data key and the id that names it in stored values. */
    record DataKey(String id, SecretKey key) {
    }

    /** The key new values are encrypted under. */
    DataKey current();

    /** The key named {@code id}, to decrypt a stored value; fails naming the id when it is unknown. */
    DataKey byId(String id);
}
