// A plot's timeline (geo/diff/plot_timeline.h) from its contract fields and a hand-made
// history: dates come from date fields and from the recorded changes of stage or status, a
// step nothing dates stays undated.

#include "geo/diff/plot_timeline.h"

#include <gtest/gtest.h>

using namespace parkatlas::geo;

namespace {

HistoryEntry update(const std::string& when, const std::string& who, const std::string& field,
                    std::optional<std::string> before, std::optional<std::string> after)
{
    HistoryEntry entry;
    entry.operation = "update";
    entry.validTo = when;
    entry.who = who;
    entry.command = "edit";
    entry.changedFields.push_back({field, {std::move(before), std::move(after)}});
    return entry;
}

const TimelineStep* find(const std::vector<TimelineStep>& steps, TimelineStage stage,
                         const std::string& value = {})
{
    for (const TimelineStep& step : steps)
        if (step.stage == stage && (value.empty() || step.value == value))
            return &step;
    return nullptr;
}

} // namespace

TEST(PlotTimelineTest, ParcelDatesFromFieldsCompletionFromTheStatusChange)
{
    TimelineFeature parcel;
    parcel.role = Role::Parcels;
    parcel.fields = {{"supply_dt", "2011/01/30"},
                     {"agr_start", "2011-06-13"},
                     {"act_start", ""},
                     {"agr_finish", "2013-06-13"},
                     {"stopped", ""},
                     {"status", "已投产"}};
    // The layer calls supply_dt 供地日期; the history names fields as the layer does.
    parcel.sourceNames = {{"supply_dt", "供地日期"}};
    parcel.history = {update("2026-03-02T09:00:00Z", "li", "供地日期", "", "2011/01/30"),
                      update("2026-05-10T10:00:00Z", "wang", "status", "在建", "停工"),
                      update("2026-06-30T08:15:00Z", "zhang", "status", "停工", "已投产")};
    const std::vector<TimelineStep> steps = buildPlotTimeline({parcel});

    ASSERT_EQ(steps.size(), 5u); // supply, agreed start, actual start, agreed finish, completion
    EXPECT_EQ(steps[0].stage, TimelineStage::Supply);
    EXPECT_EQ(steps[0].date, "2011-01-30");
    EXPECT_EQ(steps[0].field, "supply_dt");
    EXPECT_EQ(steps[0].changedAt, "2026-03-02T09:00:00Z");
    EXPECT_EQ(steps[0].changedBy, "li");
    EXPECT_EQ(steps[1].stage, TimelineStage::AgreedStart);
    EXPECT_EQ(steps[1].date, "2011-06-13");
    EXPECT_TRUE(steps[1].changedAt.empty());
    // act_start is empty: unknown, not invented from the status history.
    EXPECT_EQ(steps[2].stage, TimelineStage::ActualStart);
    EXPECT_TRUE(steps[2].date.empty());
    EXPECT_TRUE(steps[2].field.empty());
    EXPECT_TRUE(steps[2].changedAt.empty());
    EXPECT_EQ(steps[3].stage, TimelineStage::AgreedFinish);
    EXPECT_EQ(steps[3].date, "2013-06-13");
    // The plot is no longer stopped (no stopped field, status moved on): no 停工 step.
    EXPECT_EQ(find(steps, TimelineStage::Stopped), nullptr);
    EXPECT_EQ(steps[4].stage, TimelineStage::Completion);
    EXPECT_EQ(steps[4].value, "已投产");
    EXPECT_EQ(steps[4].date, "2026-06-30");
    EXPECT_TRUE(steps[4].field.empty());
    EXPECT_EQ(steps[4].changedAt, "2026-06-30T08:15:00Z");
    EXPECT_EQ(steps[4].changedBy, "zhang");
    EXPECT_EQ(steps[4].command, "edit");
}

TEST(PlotTimelineTest, CompletedWithoutHistoryIsUndatedAndABadDateIsShownAsItIs)
{
    TimelineFeature parcel;
    parcel.fields = {{"supply_dt", "2011-02-30"}, {"status", "已投产"}};
    const std::vector<TimelineStep> steps = buildPlotTimeline({parcel});
    const TimelineStep* supply = find(steps, TimelineStage::Supply);
    ASSERT_NE(supply, nullptr);
    EXPECT_TRUE(supply->date.empty());
    EXPECT_EQ(supply->value, "2011-02-30");
    const TimelineStep* completion = find(steps, TimelineStage::Completion);
    ASSERT_NE(completion, nullptr);
    EXPECT_TRUE(completion->date.empty());
    EXPECT_EQ(completion->value, "已投产");
    // A plot not yet completed has no completion step.
    parcel.fields["status"] = "在建";
    EXPECT_EQ(find(buildPlotTimeline({parcel}), TimelineStage::Completion), nullptr);
}

TEST(PlotTimelineTest, StoppedFromTheStatusChangeWhenNoStoppedDate)
{
    TimelineFeature parcel;
    parcel.fields = {{"status", "停工"}};
    parcel.history = {update("2025-11-03T02:00:00Z", "wang", "status", "在建", "停工")};
    const std::vector<TimelineStep> before = buildPlotTimeline({parcel});
    const TimelineStep* stopped = find(before, TimelineStage::Stopped);
    ASSERT_NE(stopped, nullptr);
    EXPECT_EQ(stopped->date, "2025-11-03");
    // With a stopped date the field dates it, once.
    parcel.fields["stopped"] = "2025-10-01";
    const std::vector<TimelineStep> steps = buildPlotTimeline({parcel});
    int count = 0;
    for (const TimelineStep& step : steps)
        count += step.stage == TimelineStage::Stopped;
    EXPECT_EQ(count, 1);
    EXPECT_EQ(find(steps, TimelineStage::Stopped)->date, "2025-10-01");
}

TEST(PlotTimelineTest, BatchAndIdleCaseStagesDatedByTheirChangesInOrder)
{
    TimelineFeature batch;
    batch.role = Role::Acquisition;
    batch.fields = {{"stage", "补偿"}};
    batch.history = {update("2024-04-01T00:00:00Z", "li", "stage", "报征", "已批"),
                     update("2024-09-15T00:00:00Z", "li", "stage", "已批", "签约")};
    TimelineFeature idle;
    idle.role = Role::IdleLand;
    idle.fields = {{"stage", "依法收回"}};
    idle.history = {update("2026-01-05T00:00:00Z", "zhao", "stage", "调查", "认定"),
                    update("2026-04-20T00:00:00Z", "zhao", "stage", "认定", "依法收回")};
    TimelineFeature parcel;
    parcel.fields = {{"supply_dt", "2024-12-01"}};
    const std::vector<TimelineStep> steps = buildPlotTimeline({idle, parcel, batch});

    // The batch: 已批 and 签约 dated by their changes, then 补偿 (current, never recorded) undated.
    ASSERT_GE(steps.size(), 3u);
    EXPECT_EQ(steps[0].stage, TimelineStage::Acquisition);
    EXPECT_EQ(steps[0].value, "已批");
    EXPECT_EQ(steps[0].date, "2024-04-01");
    EXPECT_EQ(steps[1].value, "签约");
    EXPECT_EQ(steps[1].date, "2024-09-15");
    EXPECT_EQ(steps[2].value, "补偿");
    EXPECT_TRUE(steps[2].date.empty());
    EXPECT_EQ(steps[3].stage, TimelineStage::Supply);
    const TimelineStep* finding = find(steps, TimelineStage::IdleFinding, "认定");
    ASSERT_NE(finding, nullptr);
    EXPECT_EQ(finding->date, "2026-01-05");
    const TimelineStep* disposal = find(steps, TimelineStage::Disposal, "依法收回");
    ASSERT_NE(disposal, nullptr);
    EXPECT_EQ(disposal->date, "2026-04-20");
    EXPECT_EQ(steps.back().stage, TimelineStage::Disposal);
    // The current stage already reached by the last change is not listed twice.
    int disposals = 0;
    for (const TimelineStep& step : steps)
        disposals += step.stage == TimelineStage::Disposal;
    EXPECT_EQ(disposals, 1);
}
