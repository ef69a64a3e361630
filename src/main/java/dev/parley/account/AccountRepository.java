package dev.parley.account;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

/** Accounts in PostgreSQL. */
@ApplicationScoped
public class AccountRepository implements PanacheRepositoryBase<Account, String> {
}
