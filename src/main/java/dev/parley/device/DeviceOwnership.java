package dev.parley.device;

import dev.parley.account.TokenDevices;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** The device feature's answer to which devices a new token may be limited to: the account's own. */
@ApplicationScoped
public class DeviceOwnership implements TokenDevices {

    private final DeviceRepository devices;

    public DeviceOwnership(DeviceRepository devices) {
        this.devices = devices;
    }

    @Override
    public Uni<Void> requireOwned(String accountId, List<String> deviceIds, String field) {
        return devices.listForAccount(accountId).invoke(all -> {
            Set<String> owned = all.stream().map(d -> d.id).collect(Collectors.toSet());
            for (int i = 0; i < deviceIds.size(); i++) {
                if (!owned.contains(deviceIds.get(i))) {
                    throw ApiException.notFound("Device", field + "[" + i + "]");
                }
            }
        }).replaceWithVoid();
    }
}
