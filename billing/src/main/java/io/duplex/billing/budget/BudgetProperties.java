package io.duplex.billing.budget;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How often budgets are evaluated.
 * @param checkEvery how often the billing role rates each budget's month so far, records the
 * thresholds crossed and marks hard-capped budgets used up; the longest a capped tenant can keep
 * spending before its sessions are refused and ended
 */
@Validated
@ConfigurationProperties("duplex.billing.budgets")
public record BudgetProperties(@DefaultValue("15s") Duration checkEvery) {
}
