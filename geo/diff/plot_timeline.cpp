#include "geo/diff/plot_timeline.h"

#include "geo/model/layer.h"

#include <algorithm>
#include <array>
#include <optional>
#include <utility>

namespace parkatlas::geo {

namespace {

std::string fieldValue(const TimelineFeature& feature, const std::string& name)
{
    const auto found = feature.fields.find(name);
    return found == feature.fields.end() ? std::string() : found->second;
}

std::string sourceName(const TimelineFeature& feature, const std::string& name)
{
    const auto found = feature.sourceNames.find(name);
    return found == feature.sourceNames.end() ? name : found->second;
}

/// "2026-06-30T08:15:00Z" → "2026-06-30".
std::string dayOf(const std::string& iso)
{
    return iso.substr(0, std::min<std::size_t>(10, iso.size()));
}

void setChange(TimelineStep& step, const HistoryEntry& entry)
{
    step.changedAt = entry.validTo;
    step.changedBy = entry.who;
    step.command = entry.command;
}

/// The changes of `field` recorded in the history, oldest first: {entry, new value}.
std::vector<std::pair<const HistoryEntry*, std::string>> changesOf(const TimelineFeature& feature,
                                                                   const std::string& field)
{
    const std::string name = sourceName(feature, field);
    std::vector<std::pair<const HistoryEntry*, std::string>> changes;
    for (const HistoryEntry& entry : feature.history) {
        if (entry.operation != "update")
            continue;
        for (const auto& [changed, values] : entry.changedFields)
            if (changed == name)
                changes.emplace_back(&entry, values.second.value_or(std::string()));
    }
    return changes;
}

/// A date field's text as YYYY-MM-DD, nullopt when it is none.
std::optional<std::string> asDay(const std::string& text)
{
    const std::optional<Date> date = Date::parse(text);
    if (!date)
        return std::nullopt;
    return date->toIso();
}

void addDateField(const TimelineFeature& feature, const std::string& field, TimelineStage stage,
                  std::vector<TimelineStep>& steps)
{
    TimelineStep step;
    step.stage = stage;
    const std::string text = fieldValue(feature, field);
    if (const std::optional<std::string> day = asDay(text)) {
        step.date = *day;
        step.field = field;
        // When the history recorded this very value being set, say so.
        const auto changes = changesOf(feature, field);
        for (auto change = changes.rbegin(); change != changes.rend(); ++change)
            if (change->second == text) {
                setChange(step, *change->first);
                break;
            }
    } else {
        step.value = text; // "" (unknown) or a text that is no date, shown as it is
    }
    steps.push_back(std::move(step));
}

/// One step per recorded change of `field` that `stageOf` places, dated by the change; then
/// the current value, undated, unless the last recorded change already reached it.
template <typename StageOf>
void addStageField(const TimelineFeature& feature, const std::string& field, StageOf stageOf,
                   std::vector<TimelineStep>& steps)
{
    const auto changes = changesOf(feature, field);
    for (const auto& [entry, value] : changes)
        if (const std::optional<TimelineStage> stage = stageOf(value)) {
            TimelineStep step;
            step.stage = *stage;
            step.value = value;
            step.date = dayOf(entry->validTo);
            setChange(step, *entry);
            steps.push_back(std::move(step));
        }
    const std::string current = fieldValue(feature, field);
    if (current.empty() || (!changes.empty() && changes.back().second == current))
        return;
    if (const std::optional<TimelineStage> stage = stageOf(current)) {
        TimelineStep step;
        step.stage = *stage;
        step.value = current;
        steps.push_back(std::move(step));
    }
}

} // namespace

const char* toString(TimelineStage stage)
{
    switch (stage) {
    case TimelineStage::Acquisition:
        return "acquisition";
    case TimelineStage::Supply:
        return "supply";
    case TimelineStage::AgreedStart:
        return "agreed_start";
    case TimelineStage::ActualStart:
        return "actual_start";
    case TimelineStage::Stopped:
        return "stopped";
    case TimelineStage::AgreedFinish:
        return "agreed_finish";
    case TimelineStage::Completion:
        return "completion";
    case TimelineStage::IdleFinding:
        return "idle_finding";
    case TimelineStage::Disposal:
        return "disposal";
    }
    return "";
}

std::vector<TimelineStep> buildPlotTimeline(const std::vector<TimelineFeature>& features)
{
    std::vector<TimelineStep> steps;
    for (const TimelineFeature& feature : features) {
        switch (feature.role) {
        case Role::Parcels: {
            addDateField(feature, "supply_dt", TimelineStage::Supply, steps);
            addDateField(feature, "agr_start", TimelineStage::AgreedStart, steps);
            addDateField(feature, "act_start", TimelineStage::ActualStart, steps);
            const bool stoppedNow = fieldValue(feature, "status") == "停工";
            if (!fieldValue(feature, "stopped").empty())
                addDateField(feature, "stopped", TimelineStage::Stopped, steps);
            addDateField(feature, "agr_finish", TimelineStage::AgreedFinish, steps);
            // Completion and (without a stopped date) stopping are dated by the status change.
            addStageField(
                feature, "status",
                [&](const std::string& status) -> std::optional<TimelineStage> {
                    if (status == "已投产" || status == "竣工" || status == "已竣工")
                        return TimelineStage::Completion;
                    if (status == "停工" && fieldValue(feature, "stopped").empty() && stoppedNow)
                        return TimelineStage::Stopped;
                    return std::nullopt;
                },
                steps);
            break;
        }
        case Role::Acquisition:
            addStageField(
                feature, "stage",
                [](const std::string&) -> std::optional<TimelineStage> {
                    return TimelineStage::Acquisition;
                },
                steps);
            break;
        case Role::IdleLand:
            addStageField(
                feature, "stage",
                [](const std::string& stage) -> std::optional<TimelineStage> {
                    if (stage == "调查" || stage == "认定")
                        return TimelineStage::IdleFinding;
                    return TimelineStage::Disposal;
                },
                steps);
            break;
        default:
            break;
        }
    }
    std::stable_sort(steps.begin(), steps.end(), [](const TimelineStep& a, const TimelineStep& b) {
        if (a.stage != b.stage)
            return a.stage < b.stage;
        if (a.date.empty() != b.date.empty())
            return b.date.empty();
        return a.date < b.date;
    });
    return steps;
}

} // namespace parkatlas::geo
