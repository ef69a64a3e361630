package dev.parley.plan;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import jakarta.enterprise.context.ApplicationScoped;

/** Plans in PostgreSQL. */
@ApplicationScoped
public class PlanRepository implements PanacheRepositoryBase<Plan, String> {
}
