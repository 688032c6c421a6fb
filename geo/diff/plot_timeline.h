#pragma once

#include "geo/model/role.h"
#include "geo/store/history.h"

#include <map>
#include <string>
#include <vector>

namespace parkatlas::geo {

/// The steps of a plot's life (issue 17), in their order: 征地 → 供地 → 约定/实际动工 (停工) →
/// 约定/实际竣工 → 闲置认定 → 处置.
enum class TimelineStage {
    Acquisition,  // 征地: an acquisition batch's stage
    Supply,       // 供地: supply_dt
    AgreedStart,  // 约定动工: agr_start
    ActualStart,  // 实际动工: act_start
    Stopped,      // 停工: stopped
    AgreedFinish, // 约定竣工: agr_finish
    Completion,   // 竣工 (status 已投产 / 竣工)
    IdleFinding,  // 闲置认定: an idle case's stage 调查 / 认定
    Disposal,     // 处置: 征缴闲置费 / 整改承诺 / 依法收回 / 盘活
};

/// "supply", "agreed_start" … (a stable id, the names a user reads come from the viewer).
const char* toString(TimelineStage stage);

/// One feature the timeline is made from: its current contract fields and its history.
struct TimelineFeature {
    Role role = Role::Parcels;
    /// Contract field name ("supply_dt", "stage", "status") → current value ("" = unknown).
    std::map<std::string, std::string> fields;
    /// Contract field name → the layer's own name of it ("供地日期"), to find it in the
    /// history's changed fields; a contract field missing here is looked up by its own name.
    std::map<std::string, std::string> sourceNames;
    /// The feature's history rows, oldest first (readHistory filtered to it).
    std::vector<HistoryEntry> history;
};

/// One dated step.
struct TimelineStep {
    TimelineStage stage = TimelineStage::Supply;
    /// YYYY-MM-DD, "" when unknown: nothing records when it happened (never guessed).
    std::string date;
    /// What the step is ("已批", "认定", "已投产"), "" when the stage says it all.
    std::string value;
    /// The date field that dates it ("supply_dt"), "" when the date comes from the history or
    /// is unknown.
    std::string field;
    /// The recorded change that dates it (stage or status changes), or that set the date
    /// field to its value: when (ISO UTC), who and by which command; "" when none.
    std::string changedAt;
    std::string changedBy;
    std::string command;
};

/// The timeline of `features` (a parcel, and the acquisition batch and idle cases that belong
/// to it; or one batch or case alone), ordered by stage then date (unknown dates last within a
/// stage). Dates come only from date fields and from the times history recorded a change of
/// stage or status; a stage reached with nothing dating it is a step with an empty date.
std::vector<TimelineStep> buildPlotTimeline(const std::vector<TimelineFeature>& features);

} // namespace parkatlas::geo
