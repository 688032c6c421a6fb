#pragma once

#include <string>
#include <vector>

namespace parkatlas::geo {

class IssueSink;
class JsonWriter;

/// The audit's switches and thresholds. Thresholds are data: the values below are the built-in
/// defaults (national rules and the sample park's assumptions, data/sample/README.md), used only
/// where neither styles/thresholds.json nor the project file's "rules" says otherwise.
struct AuditRules {
    // idle_not_started: 闲置土地处置办法 第二条第一款.
    bool notStartedEnabled = true;
    int notStartedYears = 1; // 满一年

    // idle_stalled: 第二条第二款.
    bool stalledEnabled = true;
    int stalledYears = 1;                  // 中止开发建设满一年
    double stalledBuiltShareMax = 1.0 / 3; // 开发建设用地面积不足三分之一
    double stalledInvestShareMax = 0.25;   // 已投资额不足总投资额百分之二十五

    // 第十四条: what follows.
    int recoveryYears = 2;     // 满两年: 无偿收回
    double idleFeeRate = 0.20; // 满一年: 土地闲置费 = 20 % of 出让或者划拨价款

    // idle_low_coverage (DEFAULT, the sample README's threshold): covered share under this
    // two full years after supply_dt.
    bool lowCoverageEnabled = true;
    double lowCoverageShareMin = 0.05;
    int lowCoverageYears = 2;

    // low_efficiency (DEFAULT for this city grade, README): per mu of plot area, 万元.
    bool lowEfficiencyEnabled = true;
    double taxPerMuMinWan = 15;
    double investPerMuMinWan = 200;
    /// The statuses of plots in production, the only ones judged on tax and investment.
    std::vector<std::string> productionStatuses = {"已投产", "投产", "达产", "已达产"};

    // standard_land_shortfall (标准地: 浙政办发〔2018〕73号, DB33/T 2172-2018): a contract plot
    // past its initial operating period (初始运营期 / 达产期) checked target by target.
    bool standardLandEnabled = true;
    /// The period when a plot's op_years names none; 0: none (the plot's period is unknown).
    double standardLandPeriodYears = 0;
    /// The parcels' date field the period is counted from (约定竣工日期 by default).
    std::string standardLandPeriodFrom = "agr_finish";

    // approved_not_supplied (批而未供): approved batches not supplied within this many years of
    // their approval (appr_date), counted at the stages below (approved, not yet 已供地).
    bool approvedNotSuppliedEnabled = true;
    int approvedNotSuppliedYears = 2;
    std::vector<std::string> approvedStages = {"已批", "签约", "补偿", "拆迁", "场平"};
    double approvedNotSuppliedSliverM2 = 1.0; // unsupplied parts up to this are slivers

    bool cannotDecideEnabled = true;

    /// Where the values came from, in the order applied: "built-in defaults",
    /// "styles/thresholds.json", "project file".
    std::vector<std::string> origins = {"built-in defaults"};
};

/// The defaults, then `stylesThresholdsPath` (when the file exists; "" to skip), then the
/// "rules" object of the project file `projectPath` (when there is one; "" to skip):
///   { "rules": { "idle_not_started": { "enabled": true, "years": 1 },
///                "idle_stalled": { "years": 1, "built_share_max": 0.3333333333333333,
///                                  "invest_share_max": 0.25 },
///                "idle_fee": { "rate": 0.2, "recovery_years": 2 },
///                "idle_low_coverage": { "cover_share_min": 0.05, "years_after_supply": 2 },
///                "low_efficiency": { "tax_per_mu_min_wan": 15, "invest_per_mu_min_wan": 200,
///                                    "statuses": ["已投产"] },
///                "standard_land_shortfall": { "enabled": true, "period_years": 3,
///                                             "period_from": "agr_finish" },
///                "approved_not_supplied": { "enabled": true, "years": 2,
///                                           "stages": ["已批", "签约", "补偿", "拆迁", "场平"],
///                                           "sliver_m2": 1 },
///                "cannot_decide": { "enabled": true } } }
/// low_efficiency takes its thresholds and statuses from "intensity_below_standard"
/// (tax_min_wan_per_mu, investment_min_wan_per_mu, statuses: the keys parkatlas check reads)
/// unless it gives its own, so one park threshold serves both rules.
/// styles/thresholds.json may hold the same "rules" object. Unknown keys are ignored; a value
/// of the wrong type or out of range throws IoError naming the file and the key.
AuditRules loadAuditRules(const std::string& stylesThresholdsPath, const std::string& projectPath);

/// The shipped thresholds (thresholds.json found by optionalStylePath, the lookup `check` uses;
/// a missing file is reported to `issues` and the built-in defaults are used), then the project
/// file's "rules" as above.
AuditRules loadAuditRules(const std::string& projectPath, IssueSink& issues);

/// `"rules": {…}` as `audit --format json` gives it: per rule object its settings in the order
/// loadAuditRules reads them, each field once under its own key (no aliases; a standard-land
/// period of 0 left out), then "from" (rules.origins).
void writeAuditRulesJson(JsonWriter& json, const AuditRules& rules);

} // namespace parkatlas::geo
