#include "geo/diff/diff_progress.h"

#include "geo/issue.h"
#include "geo/ledger/ledgers.h"
#include "geo/model/park.h"
#include "geo/rules/audit.h"
#include "geo/rules/compliance.h"
#include "geo/units.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace parkatlas::geo {

bool isCompletedStatus(std::string_view status)
{
    return status == "已投产" || status == "投产" || status == "竣工" || status == "已竣工";
}

namespace {

using Kind = LedgerColumn::Kind;

std::optional<std::string> textOf(const ParkLayer* layer, std::size_t row, const char* field)
{
    if (!layer)
        return std::nullopt;
    const int index = layer->field(field);
    if (index < 0 || layer->layer->attributes.isUnknown(row, index))
        return std::nullopt;
    return layer->layer->attributes.text(row, index);
}

std::optional<double> numberOf(const ParkLayer* layer, std::size_t row, const char* field)
{
    if (!layer)
        return std::nullopt;
    const int index = layer->field(field);
    if (index < 0)
        return std::nullopt;
    return layer->layer->attributes.number(row, index);
}

std::optional<Date> dateOf(const ParkLayer* layer, std::size_t row, const char* field)
{
    if (!layer)
        return std::nullopt;
    const int index = layer->field(field);
    if (index < 0)
        return std::nullopt;
    if (auto date = layer->layer->attributes.date(row, index))
        return date;
    if (auto text = textOf(layer, row, field))
        return Date::parse(*text);
    return std::nullopt;
}

/// Per-row areas in mu of a polygon layer, measured on demand.
class RowArea {
public:
    RowArea(const ParkLayer* layer, AreaMethod method, IssueSink& issues)
        : m_layer(layer), m_method(method), m_issues(issues)
    {
    }
    double mu(std::size_t row)
    {
        if (!m_layer || m_layer->layer->geometry.kind() != GeometryKind::Polygon)
            return std::nan("");
        if (!m_calculator) {
            m_calculator = std::make_unique<AreaCalculator>(m_layer->layer->crs, m_method);
            m_calculator->setIssueSink(&m_issues, m_layer->layer->sourcePath, m_layer->layer->name);
        }
        return m_calculator->areaM2(m_layer->layer->geometry, row, m_layer->layer->fids[row]) /
               kSquareMetresPerMu;
    }

private:
    const ParkLayer* m_layer;
    AreaMethod m_method;
    IssueSink& m_issues;
    std::unique_ptr<AreaCalculator> m_calculator;
};

struct Tally {
    std::size_t count = 0;
    double mu = 0;
    double households = 0, persons = 0;
    std::size_t unknownArea = 0;
    std::vector<std::string> ids;
    void add(double areaMu, const std::string& id)
    {
        ++count;
        if (std::isfinite(areaMu))
            mu += areaMu;
        else
            ++unknownArea;
        ids.push_back(id);
    }
};

std::string joinIds(const std::vector<std::string>& ids)
{
    std::string out;
    for (const std::string& id : ids)
        out += (out.empty() ? "" : "、") + id;
    return out;
}

std::string rowId(const ParkLayer* layer, std::size_t row, const char* keyField)
{
    if (auto id = textOf(layer, row, keyField))
        return *id;
    return "fid " + std::to_string(layer->layer->fids[row]);
}

const LedgerTable* tableOf(const Ledger& ledger, const std::string& id)
{
    for (const LedgerTable& table : ledger.tables)
        if (table.id == id)
            return &table;
    return nullptr;
}

/// Row key (first column) → value of column `key` of a ledger table.
std::map<std::string, LedgerCell> columnByKey(const LedgerTable* table, const std::string& key)
{
    std::map<std::string, LedgerCell> out;
    if (!table)
        return out;
    std::size_t column = table->columns.size();
    for (std::size_t c = 0; c < table->columns.size(); ++c)
        if (table->columns[c].key == key)
            column = c;
    if (column == table->columns.size())
        return out;
    for (const auto& row : table->rows)
        if (const std::string* k = std::get_if<std::string>(&row[0]))
            out[*k] = row[column];
    if (!table->total.empty())
        out["合计 total"] = table->total[column];
    return out;
}

std::optional<double> cellNumber(const std::map<std::string, LedgerCell>& cells,
                                 const std::string& key)
{
    const auto it = cells.find(key);
    if (it == cells.end())
        return 0.0; // absent from that park's ledger: none
    if (const double* d = std::get_if<double>(&it->second))
        return *d;
    if (const std::int64_t* i = std::get_if<std::int64_t>(&it->second))
        return static_cast<double>(*i);
    return std::nullopt;
}

LedgerCell cell(std::optional<double> value)
{
    if (!value || !std::isfinite(*value))
        return std::monostate{};
    return *value;
}

bool inPeriod(const std::optional<Date>& date, const ProgressOptions& options)
{
    if (!date)
        return false;
    if (options.from && *date < *options.from)
        return false;
    if (options.to && *date > *options.to)
        return false;
    return true;
}

class ProgressBuilder {
public:
    ProgressBuilder(const Park& oldPark, const Park& newPark, const ParkDiff& diff,
                    const ProgressOptions& options, IssueSink& issues)
        : m_old(oldPark), m_new(newPark), m_diff(diff), m_options(options), m_issues(issues)
    {
    }

    Ledger build()
    {
        Ledger ledger{"progress", "本期工作进展 / the period's work", m_new.name, {}, {}};
        ledger.notes.push_back("期初 " + m_old.name + " → 期末 " + m_new.name);
        if (m_options.from || m_options.to)
            ledger.notes.push_back("期间 period " +
                                   (m_options.from ? m_options.from->toIso() : std::string("…")) +
                                   " – " + (m_options.to ? m_options.to->toIso() : std::string("…")));
        if (m_old.layer(Role::Acquisition) || m_new.layer(Role::Acquisition)) {
            ledger.tables.push_back(acquisitionByStage());
            ledger.tables.push_back(acquisitionMoves());
            ledger.tables.push_back(settled());
        }
        if (m_new.layer(Role::Parcels)) {
            ledger.tables.push_back(supply());
            ledger.tables.push_back(projects());
        }
        if (m_old.layer(Role::Roads) || m_old.layer(Role::Pipelines) ||
            m_new.layer(Role::Roads) || m_new.layer(Role::Pipelines))
            ledger.tables.push_back(works());
        if (m_old.layer(Role::IdleLand) || m_new.layer(Role::IdleLand))
            ledger.tables.push_back(idle());
        if (m_options.findings)
            ledger.tables.push_back(findings());
        return ledger;
    }

private:
    Ledger ledgerOf(const Park& park, LedgerKind kind)
    {
        for (Role role : rolesFor(kind))
            if (park.layer(role)) {
                LedgerOptions options;
                options.areaMethod = m_options.areaMethod;
                options.threads = m_options.threads;
                return buildLedger(park, kind, options, m_issues);
            }
        return {};
    }

    LedgerTable acquisitionByStage()
    {
        const Ledger before = ledgerOf(m_old, LedgerKind::Acquisition);
        const Ledger after = ledgerOf(m_new, LedgerKind::Acquisition);
        const auto muBefore = columnByKey(tableOf(before, "by_stage"), "area_mu");
        const auto muAfter = columnByKey(tableOf(after, "by_stage"), "area_mu");
        const auto batchesBefore = columnByKey(tableOf(before, "by_stage"), "batches");
        const auto batchesAfter = columnByKey(tableOf(after, "by_stage"), "batches");
        LedgerTable table{"acquisition_by_stage", "征地（按阶段，期初 / 期末）", {}, {}, {}, {}};
        table.columns = {{"stage", "阶段", Kind::Text},
                         {"batches_then", "期初批次", Kind::Count},
                         {"batches_now", "期末批次", Kind::Count},
                         {"mu_then", "期初面积（亩）", Kind::Amount, 2},
                         {"mu_now", "期末面积（亩）", Kind::Amount, 2},
                         {"mu_change", "增减（亩）", Kind::Amount, 2}};
        std::vector<std::string> stages = acquisitionStageOrder();
        for (const auto* cells : {&muBefore, &muAfter})
            for (const auto& [stage, value] : *cells)
                if (stage != "合计 total" &&
                    std::find(stages.begin(), stages.end(), stage) == stages.end())
                    stages.push_back(stage);
        auto row = [&](const std::string& stage) -> std::vector<LedgerCell> {
            const auto then = cellNumber(muBefore, stage), now = cellNumber(muAfter, stage);
            std::optional<double> change;
            if (then && now)
                change = *now - *then;
            auto count = [](std::optional<double> v) -> LedgerCell {
                if (!v)
                    return std::monostate{};
                return static_cast<std::int64_t>(std::llround(*v));
            };
            return {stage,     count(cellNumber(batchesBefore, stage)),
                    count(cellNumber(batchesAfter, stage)), cell(then), cell(now), cell(change)};
        };
        for (const std::string& stage : stages)
            if (muBefore.count(stage) || muAfter.count(stage))
                table.rows.push_back(row(stage));
        table.total = row("合计 total");
        table.notes.push_back("由两期的征地台账（按阶段）得出 / from each park's acquisition ledger");
        return table;
    }

    /// The acquisition items one-to-one or added, with their old and new row.
    template <typename Visit> void forEachNewRow(Role role, Visit&& visit)
    {
        const LayerDiff* layer = m_diff.layer(role);
        if (!layer)
            return;
        for (const DiffItem& item : layer->items)
            for (std::size_t newRow : item.newRows)
                visit(item, newRow);
    }

    static int stageIndex(const std::optional<std::string>& stage)
    {
        if (!stage)
            return -1;
        const auto& order = acquisitionStageOrder();
        const auto it = std::find(order.begin(), order.end(), *stage);
        return it == order.end() ? -1 : static_cast<int>(it - order.begin());
    }

    LedgerTable acquisitionMoves()
    {
        const ParkLayer* before = m_old.layer(Role::Acquisition);
        const ParkLayer* after = m_new.layer(Role::Acquisition);
        RowArea area(after, m_options.areaMethod, m_issues);
        std::map<std::pair<int, std::string>, std::pair<std::string, Tally>> moves;
        forEachNewRow(Role::Acquisition, [&](const DiffItem& item, std::size_t row) {
            const auto now = textOf(after, row, "stage");
            std::optional<std::string> then;
            if (!item.oldRows.empty())
                then = textOf(before, item.oldRows.front(), "stage");
            const std::string from = item.oldRows.empty() ? "（新增）" : then.value_or("（未知）");
            const std::string to = now.value_or("（未知）");
            if (from == to)
                return;
            auto& [label, tally] = moves[{stageIndex(now), from + " → " + to}];
            label = from + " → " + to;
            tally.add(area.mu(row), rowId(after, row, "batch_id"));
            tally.households += numberOf(after, row, "households").value_or(0);
            tally.persons += numberOf(after, row, "persons").value_or(0);
        });
        LedgerTable table{"acquisition_moves", "征地阶段推进（本期）", {}, {}, {}, {}};
        table.columns = {{"move", "阶段变化", Kind::Text},        {"batches", "批次", Kind::Count},
                         {"area_mu", "面积（亩）", Kind::Amount, 2}, {"households", "户", Kind::Count},
                         {"persons", "人", Kind::Count},           {"ids", "批次编号", Kind::Text}};
        Tally all;
        for (const auto& [key, entry] : moves) {
            const auto& [label, t] = entry;
            table.rows.push_back({label, static_cast<std::int64_t>(t.count), t.mu,
                                  static_cast<std::int64_t>(t.households),
                                  static_cast<std::int64_t>(t.persons), joinIds(t.ids)});
            all.count += t.count;
            all.mu += t.mu;
            all.households += t.households;
            all.persons += t.persons;
        }
        table.total = {std::string("合计 total"), static_cast<std::int64_t>(all.count), all.mu,
                       static_cast<std::int64_t>(all.households),
                       static_cast<std::int64_t>(all.persons), std::string()};
        return table;
    }

    LedgerTable settled()
    {
        const ParkLayer* before = m_old.layer(Role::Acquisition);
        const ParkLayer* after = m_new.layer(Role::Acquisition);
        const int threshold = stageIndex(std::string("补偿"));
        Tally t;
        std::size_t unknownHouseholds = 0;
        RowArea area(after, m_options.areaMethod, m_issues);
        forEachNewRow(Role::Acquisition, [&](const DiffItem& item, std::size_t row) {
            if (stageIndex(textOf(after, row, "stage")) < threshold)
                return;
            for (std::size_t oldRow : item.oldRows)
                if (stageIndex(textOf(before, oldRow, "stage")) >= threshold)
                    return;
            t.add(area.mu(row), rowId(after, row, "batch_id"));
            const auto households = numberOf(after, row, "households");
            const auto persons = numberOf(after, row, "persons");
            unknownHouseholds += !households || !persons;
            t.households += households.value_or(0);
            t.persons += persons.value_or(0);
        });
        LedgerTable table{"settled", "本期新安置（进入补偿及以后阶段的批次）", {}, {}, {}, {}};
        table.columns = {{"what", "项目", Kind::Text},           {"batches", "批次", Kind::Count},
                         {"area_mu", "面积（亩）", Kind::Amount, 2}, {"households", "户", Kind::Count},
                         {"persons", "人", Kind::Count},           {"ids", "批次编号", Kind::Text}};
        table.rows.push_back({std::string("新安置 settled"), static_cast<std::int64_t>(t.count),
                              t.mu, static_cast<std::int64_t>(t.households),
                              static_cast<std::int64_t>(t.persons), joinIds(t.ids)});
        if (unknownHouseholds)
            table.notes.push_back(std::to_string(unknownHouseholds) +
                                  " 个批次户数或人数未知，不计入 / households or persons unknown");
        return table;
    }

    LedgerTable supply()
    {
        const ParkLayer* before = m_old.layer(Role::Parcels);
        const ParkLayer* after = m_new.layer(Role::Parcels);
        RowArea area(after, m_options.areaMethod, m_issues);
        std::map<std::string, Tally> byUse;
        forEachNewRow(Role::Parcels, [&](const DiffItem& item, std::size_t row) {
            const auto supplied = dateOf(after, row, "supply_dt");
            if (!supplied)
                return;
            if (m_options.from || m_options.to) {
                if (!inPeriod(supplied, m_options))
                    return;
            } else {
                for (std::size_t oldRow : item.oldRows)
                    if (dateOf(before, oldRow, "supply_dt"))
                        return;
            }
            byUse[textOf(after, row, "land_use").value_or("（用途未知）")].add(
                area.mu(row), rowId(after, row, "parcel_id"));
        });
        LedgerTable table{"supply_by_land_use", "本期供地（按用途）", {}, {}, {}, {}};
        table.columns = {{"land_use", "用途", Kind::Text},
                         {"parcels", "宗数", Kind::Count},
                         {"area_mu", "面积（亩）", Kind::Amount, 2},
                         {"ids", "宗地代码", Kind::Text}};
        Tally all;
        for (const auto& [use, t] : byUse) {
            table.rows.push_back({use, static_cast<std::int64_t>(t.count), t.mu, joinIds(t.ids)});
            all.count += t.count;
            all.mu += t.mu;
        }
        table.total = {std::string("合计 total"), static_cast<std::int64_t>(all.count), all.mu,
                       std::string()};
        table.notes.push_back(m_options.from || m_options.to
                                  ? "供地日期 supply_dt 在期间内的宗地 / supplied in the period"
                                  : "期末有供地日期、期初没有的宗地 / supply_dt newly known");
        return table;
    }

    LedgerTable projects()
    {
        const ParkLayer* before = m_old.layer(Role::Parcels);
        const ParkLayer* after = m_new.layer(Role::Parcels);
        RowArea area(after, m_options.areaMethod, m_issues);
        Tally started, stopped, completed;
        const bool period = m_options.from || m_options.to;
        forEachNewRow(Role::Parcels, [&](const DiffItem& item, std::size_t row) {
            const std::string id = rowId(after, row, "parcel_id");
            auto newlyDated = [&](const char* field) {
                const auto date = dateOf(after, row, field);
                if (!date)
                    return false;
                if (period)
                    return inPeriod(date, m_options);
                for (std::size_t oldRow : item.oldRows)
                    if (dateOf(before, oldRow, field))
                        return false;
                return true;
            };
            const double mu = area.mu(row);
            if (newlyDated("act_start"))
                started.add(mu, id);
            if (newlyDated("stopped"))
                stopped.add(mu, id);
            if (isCompletedStatus(textOf(after, row, "status").value_or(""))) {
                bool before = false;
                for (std::size_t oldRow : item.oldRows)
                    before |= isCompletedStatus(textOf(m_old.layer(Role::Parcels), oldRow,
                                                       "status")
                                                    .value_or(""));
                if (!before)
                    completed.add(mu, id);
            }
        });
        (void)before;
        LedgerTable table{"projects", "项目动工、停工、竣工（本期）", {}, {}, {}, {}};
        table.columns = {{"event", "事项", Kind::Text},
                         {"parcels", "宗数", Kind::Count},
                         {"area_mu", "面积（亩）", Kind::Amount, 2},
                         {"ids", "宗地代码", Kind::Text}};
        for (const auto& [label, t] :
             {std::pair<const char*, const Tally*>{"新开工 started", &started},
              {"停工 stopped", &stopped},
              {"竣工投产 completed", &completed}})
            table.rows.push_back(
                {std::string(label), static_cast<std::int64_t>(t->count), t->mu, joinIds(t->ids)});
        table.notes.push_back(period ? "按实际动工日期 act_start、停工日期 stopped 在期间内；竣工按状态"
                                     : "按期末新有的实际动工日期 act_start、停工日期 stopped；竣工按"
                                       "状态 status 新为已投产/竣工");
        return table;
    }

    LedgerTable works()
    {
        const Ledger before = ledgerOf(m_old, LedgerKind::Works);
        const Ledger after = ledgerOf(m_new, LedgerKind::Works);
        const LedgerTable* tBefore = tableOf(before, "by_class");
        const LedgerTable* tAfter = tableOf(after, "by_class");
        const auto plannedNow = columnByKey(tAfter, "km_planned");
        const auto builtThen = columnByKey(tBefore, "km_built");
        const auto builtNow = columnByKey(tAfter, "km_built");
        const auto progressThen = columnByKey(tBefore, "progress_pct");
        const auto progressNow = columnByKey(tAfter, "progress_pct");
        // The changed works of each class, for tracing.
        std::map<std::string, std::vector<std::string>> changedIds;
        for (Role role : {Role::Roads, Role::Pipelines}) {
            const LayerDiff* layer = m_diff.layer(role);
            if (!layer)
                continue;
            const bool road = role == Role::Roads;
            const char* classField = road ? "road_class" : "kind";
            for (const DiffItem& item : layer->items) {
                const bool isNew = !item.newRows.empty();
                const ParkLayer* side = m_new.layer(role);
                std::size_t row = isNew ? item.newRows.front() : 0;
                if (!isNew) {
                    side = m_old.layer(role);
                    row = item.oldRows.front();
                }
                const std::string cls = std::string(road ? "道路" : "管网") + "·" +
                                        textOf(side, row, classField).value_or("未知");
                changedIds[cls].push_back(item.label());
                changedIds["合计 total"];
            }
        }
        LedgerTable table{"works_by_class", "道路、管网建设进展（按等级/类型）", {}, {}, {}, {}};
        table.columns = {{"class", "等级/类型", Kind::Text},
                         {"km_planned", "规划长度（km）", Kind::Amount, 3},
                         {"km_built_then", "期初已建（km）", Kind::Amount, 3},
                         {"km_built_now", "期末已建（km）", Kind::Amount, 3},
                         {"km_built_period", "本期建成（km）", Kind::Amount, 3},
                         {"progress_then_pct", "期初加权进度（%）", Kind::Ratio, 1},
                         {"progress_now_pct", "期末加权进度（%）", Kind::Ratio, 1},
                         {"ids", "变化的工程", Kind::Text}};
        std::vector<std::string> classes;
        for (const auto* cells : {&builtNow, &builtThen})
            for (const auto& [cls, value] : *cells)
                if (cls != "合计 total" &&
                    std::find(classes.begin(), classes.end(), cls) == classes.end())
                    classes.push_back(cls);
        // The works ledger's order (道路 classes, then 管网 kinds) as it lists them.
        std::vector<std::string> ordered;
        for (const LedgerTable* t : {tAfter, tBefore})
            if (t)
                for (const auto& row : t->rows)
                    if (const std::string* k = std::get_if<std::string>(&row[0]))
                        if (std::find(ordered.begin(), ordered.end(), *k) == ordered.end())
                            ordered.push_back(*k);
        auto row = [&](const std::string& cls) -> std::vector<LedgerCell> {
            const auto then = cellNumber(builtThen, cls), now = cellNumber(builtNow, cls);
            std::optional<double> change;
            if (then && now)
                change = *now - *then;
            auto ratio = [](const std::map<std::string, LedgerCell>& cells,
                            const std::string& key) -> LedgerCell {
                const auto it = cells.find(key);
                return it == cells.end() ? LedgerCell{} : it->second;
            };
            const auto ids = changedIds.find(cls);
            return {cls,
                    cell(cellNumber(plannedNow, cls)),
                    cell(then),
                    cell(now),
                    cell(change),
                    ratio(progressThen, cls),
                    ratio(progressNow, cls),
                    ids == changedIds.end() ? std::string() : joinIds(ids->second)};
        };
        for (const std::string& cls : ordered)
            table.rows.push_back(row(cls));
        table.total = row("合计 total");
        table.notes.push_back("由两期的工程台账（按等级/类型）得出：已建 km = Σ 长度 × 进度，进度按合同价加权 / "
                              "from each park's works ledger");
        return table;
    }

    LedgerTable idle()
    {
        const ParkLayer* before = m_old.layer(Role::IdleLand);
        const ParkLayer* after = m_new.layer(Role::IdleLand);
        RowArea area(after, m_options.areaMethod, m_issues);
        Tally identified, disposed;
        forEachNewRow(Role::IdleLand, [&](const DiffItem& item, std::size_t row) {
            const std::string id = rowId(after, row, "case_id");
            const auto now = textOf(after, row, "stage");
            std::optional<std::string> then;
            if (!item.oldRows.empty())
                then = textOf(before, item.oldRows.front(), "stage");
            const double mu = area.mu(row);
            const bool wasInvestigated = item.oldRows.empty() || (then && *then == "调查");
            if (wasInvestigated && now && *now != "调查" && !isDisposedStage(*now))
                identified.add(mu, id);
            if (now && isDisposedStage(*now) && !(then && isDisposedStage(*then)))
                disposed.add(mu, id);
        });
        LedgerTable table{"idle", "闲置土地认定与处置（本期）", {}, {}, {}, {}};
        table.columns = {{"event", "事项", Kind::Text},
                         {"cases", "件数", Kind::Count},
                         {"area_mu", "面积（亩）", Kind::Amount, 2},
                         {"ids", "案件编号", Kind::Text}};
        table.rows.push_back({std::string("新认定 identified"),
                              static_cast<std::int64_t>(identified.count), identified.mu,
                              joinIds(identified.ids)});
        table.rows.push_back({std::string("新处置 disposed"),
                              static_cast<std::int64_t>(disposed.count), disposed.mu,
                              joinIds(disposed.ids)});
        table.notes.push_back("认定：新案件，或由调查进入认定及以后（处置前）阶段；处置：进入依法收回、盘活等处置阶段 / "
                              "identified: new, or past 调查 short of disposal; disposed: newly "
                              "at a disposal stage");
        return table;
    }

    static std::string findingKey(const Finding& finding)
    {
        std::string key = finding.rule + "|" + finding.layer + "|";
        if (!finding.featureId.empty())
            return key + finding.featureId;
        for (std::int64_t fid : finding.fids) {
            key += '#';
            key += std::to_string(fid);
        }
        return key;
    }

    static std::string findingLabel(const Finding& finding)
    {
        if (!finding.featureId.empty())
            return finding.featureId;
        std::string label = finding.layer;
        for (std::int64_t fid : finding.fids) {
            label += " fid ";
            label += std::to_string(fid);
        }
        return label;
    }

    std::vector<Finding> findingsOf(const Park& park)
    {
        std::vector<Finding> out;
        ComplianceOptions check;
        check.settings = m_options.complianceSettings;
        check.threads = m_options.threads;
        NullIssueSink quiet; // the layers' own issues were reported when they were read
        ComplianceResult result = checkCompliance(park, check, quiet);
        out = std::move(result.findings);
        if (m_options.auditAsOf && park.layer(Role::Parcels)) {
            AuditOptions audit;
            audit.asOf = *m_options.auditAsOf;
            audit.rules = m_options.auditRules;
            audit.areaMethod = m_options.areaMethod;
            audit.threads = m_options.threads;
            AuditResult audited = runAudit(park, audit, quiet);
            for (Finding& f : audited.findings)
                out.push_back(std::move(f));
        }
        return out;
    }

    LedgerTable findings()
    {
        const std::vector<Finding> before = findingsOf(m_old);
        const std::vector<Finding> after = findingsOf(m_new);
        std::map<std::string, const Finding*> beforeKeys, afterKeys;
        for (const Finding& f : before)
            beforeKeys.emplace(findingKey(f), &f);
        for (const Finding& f : after)
            afterKeys.emplace(findingKey(f), &f);
        std::vector<std::string> rules;
        std::map<std::string, std::pair<Tally, Tally>> byRule; // new, resolved
        auto ruleSlot = [&](const std::string& rule) -> std::pair<Tally, Tally>& {
            if (!byRule.count(rule))
                rules.push_back(rule);
            return byRule[rule];
        };
        for (const auto& [key, f] : afterKeys) {
            auto& slot = ruleSlot(f->rule);
            if (!beforeKeys.count(key))
                slot.first.add(f->areaMu, findingLabel(*f));
        }
        for (const auto& [key, f] : beforeKeys) {
            auto& slot = ruleSlot(f->rule);
            if (!afterKeys.count(key))
                slot.second.add(f->areaMu, findingLabel(*f));
        }
        LedgerTable table{"findings", "规划核查与审计问题（新增 / 已整改）", {}, {}, {}, {}};
        table.columns = {{"rule", "规则", Kind::Text},
                         {"new", "新增", Kind::Count},
                         {"resolved", "已解决", Kind::Count},
                         {"new_ids", "新增问题", Kind::Text},
                         {"resolved_ids", "已解决问题", Kind::Text}};
        std::size_t newCount = 0, resolvedCount = 0;
        for (const std::string& rule : rules) {
            const auto& [added, resolved] = byRule.at(rule);
            if (!added.count && !resolved.count)
                continue;
            table.rows.push_back({rule, static_cast<std::int64_t>(added.count),
                                  static_cast<std::int64_t>(resolved.count), joinIds(added.ids),
                                  joinIds(resolved.ids)});
            newCount += added.count;
            resolvedCount += resolved.count;
        }
        table.total = {std::string("合计 total"), static_cast<std::int64_t>(newCount),
                       static_cast<std::int64_t>(resolvedCount), std::string(), std::string()};
        table.notes.push_back("规划核查 check " +
                              (m_options.auditAsOf
                                   ? "与闲置审计 audit（审计日 " + m_options.auditAsOf->toIso() + "）"
                                   : std::string()) +
                              "在两期各运行一次；同规则、同图层、同编号为同一问题 / the same rule, "
                              "layer and feature id is the same finding");
        return table;
    }

    const Park& m_old;
    const Park& m_new;
    const ParkDiff& m_diff;
    const ProgressOptions& m_options;
    IssueSink& m_issues;
};

} // namespace

Ledger diffProgress(const Park& oldPark, const Park& newPark, const ParkDiff& diff,
                    const ProgressOptions& options, IssueSink& issues)
{
    return ProgressBuilder(oldPark, newPark, diff, options, issues).build();
}

} // namespace parkatlas::geo
