#include "geo/ledger/ledgers.h"

#include "geo/ascii.h"
#include "geo/model/land_use_classification.h"
#include "geo/rules/standard_land.h"

#include "geo/error.h"
#include "geo/issue.h"
#include "geo/measure/coverage.h"
#include "geo/measure/layer_measure.h"
#include "geo/model/display_names.h"
#include "geo/model/park.h"
#include "geo/units.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <map>

namespace parkatlas::geo {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
using Kind = LedgerColumn::Kind;

const std::string kUnknown = "（未知）";

/// Contract fields of one layer, unknown values as nullopt.
class Fields {
public:
    explicit Fields(const ParkLayer& layer) : m_layer(layer), m_table(layer.layer->attributes) {}

    std::optional<std::string> text(std::size_t row, std::string_view name) const
    {
        const int field = m_layer.field(name);
        if (field < 0 || m_table.isUnknown(row, field))
            return std::nullopt;
        return m_table.text(row, field);
    }
    /// As written, masked values included; "" when null or missing.
    std::string raw(std::size_t row, std::string_view name) const
    {
        const int field = m_layer.field(name);
        if (field < 0)
            return {};
        std::string text = m_table.text(row, field);
        while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
            text.pop_back();
        while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
            text.erase(text.begin());
        return text;
    }
    std::optional<double> number(std::size_t row, std::string_view name) const
    {
        const int field = m_layer.field(name);
        return field < 0 ? std::nullopt : m_table.number(row, field);
    }
    std::optional<Date> date(std::size_t row, std::string_view name) const
    {
        const int field = m_layer.field(name);
        return field < 0 ? std::nullopt : m_table.date(row, field);
    }
    /// A yes/no field: a number (non-zero is yes) or the words ledgers use (是/否, 有/无,
    /// Y/N, true/false); nullopt when unknown or something else.
    std::optional<bool> flag(std::size_t row, std::string_view name) const
    {
        if (const auto value = number(row, name))
            return *value != 0;
        const auto word = text(row, name);
        if (!word)
            return std::nullopt;
        const std::string lower = lowerAscii(*word);
        for (const char* yes : {"是", "有", "y", "yes", "true", "纠纷", "有纠纷"})
            if (lower == yes)
                return true;
        for (const char* no : {"否", "无", "n", "no", "false", "无纠纷"})
            if (lower == no)
                return false;
        return std::nullopt;
    }
    std::string label(std::size_t row, std::string_view idField) const
    {
        if (auto id = text(row, idField))
            return *id;
        return "fid " + std::to_string(m_layer.layer->fids[row]);
    }

private:
    const ParkLayer& m_layer;
    const AttributeTable& m_table;
};

LedgerCell cellOf(std::optional<std::string> text)
{
    return text ? LedgerCell(*text) : LedgerCell(std::monostate{});
}
LedgerCell cellOf(std::optional<double> value)
{
    return value ? LedgerCell(*value) : LedgerCell(std::monostate{});
}
LedgerCell cellOf(double value)
{
    return std::isnan(value) ? LedgerCell(std::monostate{}) : LedgerCell(value);
}
LedgerCell countCell(std::optional<double> value)
{
    return value ? LedgerCell(static_cast<std::int64_t>(std::llround(*value)))
                 : LedgerCell(std::monostate{});
}
LedgerCell countCell(std::size_t value)
{
    return LedgerCell(static_cast<std::int64_t>(value));
}

/// A sum over known values with the unknown ones counted (and named, for the notes).
struct Sum {
    double value = 0;
    std::size_t known = 0;
    std::vector<std::string> unknown;

    void add(std::optional<double> v, const std::string& who)
    {
        if (v && !std::isnan(*v)) {
            value += *v;
            ++known;
        } else {
            unknown.push_back(who);
        }
    }
    void add(double v, const std::string& who) { add(std::optional<double>(v), who); }
    /// The sum, or unknown when nothing was known.
    LedgerCell amount() const { return known ? LedgerCell(value) : LedgerCell(std::monostate{}); }
    LedgerCell count() const
    {
        return known ? LedgerCell(static_cast<std::int64_t>(std::llround(value)))
                     : LedgerCell(std::monostate{});
    }
};

std::string listed(const std::vector<std::string>& names, std::size_t shownAtMost = 6)
{
    std::string out;
    for (std::size_t i = 0; i < names.size() && i < shownAtMost; ++i)
        out += (i ? ", " : "") + names[i];
    if (names.size() > shownAtMost)
        out += " … +" + std::to_string(names.size() - shownAtMost);
    return out;
}

/// "人（persons）: unknown for 3 of 52 (QLZD2011-03, …), left out of the sums".
void noteUnknown(std::vector<std::string>& notes, const std::string& what, const Sum& sum,
                 std::size_t of)
{
    if (sum.unknown.empty())
        return;
    notes.push_back(what + "：" + std::to_string(sum.unknown.size()) + " / " + std::to_string(of) +
                    " 未知（" + listed(sum.unknown) +
                    "），不计入合计 / unknown, left out of the sums");
}

double safeRatio(double numerator, double denominator)
{
    return denominator > 0 ? numerator / denominator : kNaN;
}

/// Keys in a given order first, then the others sorted, then the unknown key.
std::vector<std::string> orderedKeys(const std::vector<std::string>& present,
                                     const std::vector<std::string>& preferred)
{
    std::vector<std::string> out;
    for (const std::string& key : preferred)
        if (std::find(present.begin(), present.end(), key) != present.end())
            out.push_back(key);
    std::vector<std::string> rest;
    for (const std::string& key : present)
        if (key != kUnknown && std::find(out.begin(), out.end(), key) == out.end() &&
            std::find(rest.begin(), rest.end(), key) == rest.end())
            rest.push_back(key);
    std::sort(rest.begin(), rest.end());
    out.insert(out.end(), rest.begin(), rest.end());
    if (std::find(present.begin(), present.end(), kUnknown) != present.end())
        out.push_back(kUnknown);
    return out;
}

const ParkLayer& requireLayer(const Park& park, Role role)
{
    const ParkLayer* layer = park.layer(role);
    if (!layer)
        throw IoError(std::string("the park has no ") + toString(role) + " layer (" +
                          chineseName(role) + ")",
                      {park.name, {}, -1, {}});
    return *layer;
}

std::vector<double> areasMu(const ParkLayer& layer, const LedgerOptions& options, IssueSink& issues)
{
    const LayerMeasure measure =
        measureLayer(*layer.layer, options.areaMethod, issues, {}, options.threads);
    std::vector<double> mu;
    for (double m2 : measure.areaM2)
        mu.push_back(muFromM2(m2));
    return mu;
}

std::string methodNote(const LedgerOptions& options)
{
    return std::string("面积按图形计算（") + toString(options.areaMethod) +
           "），合计取未舍入值，显示时舍入一次（最大余数法，分项之和等于合计）/ areas from "
           "geometry (" +
           toString(options.areaMethod) + "), summed unrounded, rounded once for display";
}

// ---- acquisition ----------------------------------------------------------------------------

struct AcquisitionGroup {
    std::size_t batches = 0, disputes = 0;
    Sum mu, households, persons, compensate;
};

Ledger acquisitionLedger(const Park& park, const LedgerOptions& options, IssueSink& issues)
{
    const ParkLayer& layer = requireLayer(park, Role::Acquisition);
    const Fields f(layer);
    const std::vector<double> mu = areasMu(layer, options, issues);
    const std::size_t n = layer.layer->featureCount();
    Ledger ledger{"acquisition", "征地台账 / land acquisition ledger", park.name, {}, {}};
    ledger.notes.push_back(methodNote(options));

    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return f.raw(a, "batch_id") < f.raw(b, "batch_id");
    });

    LedgerTable byBatch{"by_batch", "征地台账（按批次、村、组）", {}, {}, {}, {}};
    byBatch.columns = {{"batch_id", "批次", Kind::Text},
                       {"name", "名称", Kind::Text},
                       {"village", "村", Kind::Text},
                       {"vgroup", "组", Kind::Text},
                       {"stage", "阶段", Kind::Text},
                       {"dispute", "纠纷", Kind::Text},
                       {"area_mu", "面积（亩）", Kind::Amount, 2},
                       {"households", "户", Kind::Count},
                       {"persons", "人", Kind::Count},
                       {"compensate_wan", "补偿款（万元）", Kind::Amount, 2},
                       {"resettle", "安置点", Kind::Text}};
    AcquisitionGroup all;
    std::map<std::string, AcquisitionGroup> villages, stages;
    std::vector<std::string> villageKeys, stageKeys;
    Sum villageUnknown, stageUnknown, disputeUnknown;
    for (std::size_t row : order) {
        const std::string who = f.label(row, "batch_id");
        const auto dispute = f.flag(row, "dispute");
        if (!dispute)
            disputeUnknown.unknown.push_back(who);
        const bool disputed = dispute.value_or(false);
        byBatch.rows.push_back({cellOf(f.text(row, "batch_id")), cellOf(f.text(row, "name")),
                                cellOf(f.text(row, "village")), cellOf(f.text(row, "vgroup")),
                                cellOf(f.text(row, "stage")),
                                dispute ? LedgerCell(std::string(disputed ? "是" : "否"))
                                        : LedgerCell(std::monostate{}),
                                cellOf(mu[row]), countCell(f.number(row, "households")),
                                countCell(f.number(row, "persons")),
                                cellOf(f.number(row, "compensate")),
                                cellOf(f.text(row, "resettle"))});
        const std::string village = f.text(row, "village").value_or(kUnknown);
        const std::string stage = f.text(row, "stage").value_or(kUnknown);
        if (village == kUnknown)
            villageUnknown.unknown.push_back(who);
        if (stage == kUnknown)
            stageUnknown.unknown.push_back(who);
        villageKeys.push_back(village);
        stageKeys.push_back(stage);
        for (AcquisitionGroup* g : {&all, &villages[village], &stages[stage]}) {
            ++g->batches;
            g->disputes += disputed ? 1 : 0;
            g->mu.add(mu[row], who);
            g->households.add(f.number(row, "households"), who);
            g->persons.add(f.number(row, "persons"), who);
            g->compensate.add(f.number(row, "compensate"), who);
        }
    }
    byBatch.total = {std::string("合计 total"), std::monostate{},       std::monostate{},
                     std::monostate{},          std::monostate{},       countCell(all.disputes),
                     all.mu.amount(),           all.households.count(), all.persons.count(),
                     all.compensate.amount(),   std::monostate{}};
    byBatch.notes.push_back(std::to_string(n) + " 个批次 / batches");
    noteUnknown(byBatch.notes, "面积 area", all.mu, n);
    noteUnknown(byBatch.notes, "户 households", all.households, n);
    noteUnknown(byBatch.notes, "人 persons", all.persons, n);
    noteUnknown(byBatch.notes, "补偿款 compensation", all.compensate, n);
    noteUnknown(byBatch.notes, "村 village", villageUnknown, n);
    noteUnknown(byBatch.notes, "阶段 stage", stageUnknown, n);
    if (layer.field("dispute") < 0)
        byBatch.notes.push_back("无纠纷字段（dispute / 纠纷 / 是否纠纷），纠纷未知 / no dispute "
                                "field: disputes unknown");
    else
        noteUnknown(byBatch.notes, "纠纷 dispute", disputeUnknown, n);

    auto groupTable = [&](const char* id, const char* title, const char* key, const char* header,
                          const std::map<std::string, AcquisitionGroup>& groups,
                          const std::vector<std::string>& keys) {
        LedgerTable table{id, title, {}, {}, {}, {}};
        table.columns = {{key, header, Kind::Text},
                         {"batches", "批次数", Kind::Count},
                         {"disputes", "纠纷", Kind::Count},
                         {"area_mu", "面积（亩）", Kind::Amount, 2},
                         {"households", "户", Kind::Count},
                         {"persons", "人", Kind::Count},
                         {"compensate_wan", "补偿款（万元）", Kind::Amount, 2}};
        for (const std::string& k : keys) {
            const AcquisitionGroup& g = groups.at(k);
            table.rows.push_back({k, countCell(g.batches), countCell(g.disputes), g.mu.amount(),
                                  g.households.count(), g.persons.count(), g.compensate.amount()});
            if (!g.households.unknown.empty() || !g.persons.unknown.empty() ||
                !g.compensate.unknown.empty())
                table.notes.push_back(k + "：户 " + std::to_string(g.households.unknown.size()) +
                                      "、人 " + std::to_string(g.persons.unknown.size()) +
                                      "、补偿款 " + std::to_string(g.compensate.unknown.size()) +
                                      " 个批次未知，不计入 / unknown, left out");
        }
        table.total = {std::string("合计 total"), countCell(all.batches), countCell(all.disputes),
                       all.mu.amount(),           all.households.count(), all.persons.count(),
                       all.compensate.amount()};
        return table;
    };
    ledger.tables.push_back(std::move(byBatch));
    ledger.tables.push_back(groupTable("by_village", "征地台账（按村）", "village", "村", villages,
                                       orderedKeys(villageKeys, {})));
    ledger.tables.push_back(groupTable("by_stage", "征地台账（按阶段）", "stage", "阶段", stages,
                                       orderedKeys(stageKeys, acquisitionStageOrder())));
    return ledger;
}

// ---- idle land ------------------------------------------------------------------------------

struct IdleGroup {
    std::size_t cases = 0, disposed = 0;
    Sum mu, disposedMu, fee;
};

Ledger idleLedger(const Park& park, const LedgerOptions& options, IssueSink& issues)
{
    const ParkLayer& layer = requireLayer(park, Role::IdleLand);
    const Fields f(layer);
    const std::vector<double> mu = areasMu(layer, options, issues);
    const std::size_t n = layer.layer->featureCount();
    Ledger ledger{"idle", "闲置土地处置台账 / idle-land cases", park.name, {}, {}};
    ledger.notes.push_back(methodNote(options));
    ledger.notes.push_back(
        "处置率 = 已处置案件 / 全部案件（已处置：依法收回、无偿收回、协议收回、盘活、"
        "已处置、置换；征缴闲置费后土地仍闲置，不算处置）/ disposal rate = disposed "
        "cases / all cases; also by area");

    LedgerTable cases{"cases", "闲置土地案件", {}, {}, {}, {}};
    cases.columns = {{"case_id", "案件编号", Kind::Text},
                     {"parcel_id", "宗地", Kind::Text},
                     {"kind", "类型", Kind::Text},
                     {"stage", "处置阶段", Kind::Text},
                     {"area_mu", "面积（亩）", Kind::Amount, 2},
                     {"fee_wan", "闲置费（万元）", Kind::Amount, 2},
                     {"disposed", "已处置", Kind::Text}};
    IdleGroup all;
    std::map<std::string, IdleGroup> kinds, stages;
    std::vector<std::string> kindKeys, stageKeys;
    for (std::size_t row = 0; row < n; ++row) {
        const std::string who = f.label(row, "case_id");
        const auto stage = f.text(row, "stage");
        const bool disposed = stage && isDisposedStage(*stage);
        cases.rows.push_back({cellOf(f.text(row, "case_id")), cellOf(f.text(row, "parcel_id")),
                              cellOf(f.text(row, "kind")), cellOf(stage), cellOf(mu[row]),
                              cellOf(f.number(row, "fee")),
                              stage ? LedgerCell(std::string(disposed ? "是" : "否"))
                                    : LedgerCell(std::monostate{})});
        const std::string kind = f.text(row, "kind").value_or(kUnknown);
        const std::string stageKey = stage.value_or(kUnknown);
        kindKeys.push_back(kind);
        stageKeys.push_back(stageKey);
        for (IdleGroup* g : {&all, &kinds[kind], &stages[stageKey]}) {
            ++g->cases;
            g->disposed += disposed ? 1 : 0;
            g->mu.add(mu[row], who);
            if (disposed)
                g->disposedMu.add(mu[row], who);
            g->fee.add(f.number(row, "fee"), who);
        }
    }
    cases.total = {std::string("合计 total"), std::monostate{}, std::monostate{},
                   std::monostate{},          all.mu.amount(),  all.fee.amount(),
                   countCell(all.disposed)};
    cases.notes.push_back(std::to_string(n) + " 件 / cases");
    noteUnknown(cases.notes, "闲置费 fee (未征缴或未知 none levied or unknown)", all.fee, n);

    LedgerTable byKind{"by_kind", "闲置土地（按类型）及处置率", {}, {}, {}, {}};
    byKind.columns = {{"kind", "类型", Kind::Text},
                      {"cases", "案件数", Kind::Count},
                      {"disposed", "已处置", Kind::Count},
                      {"disposal_rate_pct", "处置率（%，按件）", Kind::Ratio, 1},
                      {"area_mu", "面积（亩）", Kind::Amount, 2},
                      {"disposed_mu", "已处置面积（亩）", Kind::Amount, 2},
                      {"disposal_rate_area_pct", "处置率（%，按面积）", Kind::Ratio, 1},
                      {"fee_wan", "闲置费（万元）", Kind::Amount, 2}};
    auto kindRow = [&](const std::string& key, const IdleGroup& g) -> std::vector<LedgerCell> {
        return {key,
                countCell(g.cases),
                countCell(g.disposed),
                cellOf(100.0 * safeRatio(double(g.disposed), double(g.cases))),
                g.mu.amount(),
                g.disposedMu.known ? LedgerCell(g.disposedMu.value) : LedgerCell(0.0),
                cellOf(100.0 * safeRatio(g.disposedMu.value, g.mu.value)),
                g.fee.amount()};
    };
    for (const std::string& key :
         orderedKeys(kindKeys, {"供而未用", "供多建少", "低效用地", "批而未供"}))
        byKind.rows.push_back(kindRow(key, kinds.at(key)));
    byKind.total = kindRow("合计 total", all);

    LedgerTable byStage{"by_stage", "闲置土地（按处置阶段）", {}, {}, {}, {}};
    byStage.columns = {{"stage", "处置阶段", Kind::Text},
                       {"cases", "案件数", Kind::Count},
                       {"area_mu", "面积（亩）", Kind::Amount, 2},
                       {"fee_wan", "闲置费（万元）", Kind::Amount, 2}};
    for (const std::string& key :
         orderedKeys(stageKeys, {"调查", "认定", "征缴闲置费", "整改承诺", "依法收回", "盘活"})) {
        const IdleGroup& g = stages.at(key);
        byStage.rows.push_back({key, countCell(g.cases), g.mu.amount(), g.fee.amount()});
    }
    byStage.total = {std::string("合计 total"), countCell(all.cases), all.mu.amount(),
                     all.fee.amount()};
    ledger.tables.push_back(std::move(cases));
    ledger.tables.push_back(std::move(byKind));
    ledger.tables.push_back(std::move(byStage));
    return ledger;
}

// ---- works ----------------------------------------------------------------------------------

struct WorksGroup {
    std::size_t features = 0;
    std::vector<std::string> layers;
    Sum planned, built, contract;
    double weightedProgress = 0, weight = 0; // Σ contract × share, Σ contract (both known)
    std::vector<std::string> unweighted;     // features left out of the weighting
};

bool isBeforeConstruction(std::string_view stage)
{
    return stage == "规划" || stage == "设计" || stage == "图审" || stage == "招投标";
}

Ledger worksLedger(const Park& park, const LedgerOptions& options, IssueSink& issues)
{
    const ParkLayer* roads = park.layer(Role::Roads);
    const ParkLayer* pipelines = park.layer(Role::Pipelines);
    if (!roads && !pipelines)
        throw IoError("the park has neither a roads (道路工程) nor a pipelines (管网工程) layer",
                      {park.name, {}, -1, {}});
    Ledger ledger{"works", "工程建设台账 / works ledger", park.name, {}, {}};
    ledger.notes.push_back(
        std::string("长度按") + (options.areaMethod == AreaMethod::Planar ? "平面" : "椭球测地线") +
        "计算；已建 km = Σ 长度 × 进度（竣工 100%，规划/设计/图审/招投标 0%）；进度按合同价加权 / "
        "km built = Σ length × progress; progress weighted by contract price");
    WorksGroup all;
    std::map<std::string, WorksGroup> lots, classes;
    std::vector<std::string> lotKeys, classKeys;
    Sum progressUnknown;
    std::size_t features = 0;
    for (const ParkLayer* layer : {roads, pipelines}) {
        if (!layer)
            continue;
        const bool isRoad = layer->role == Role::Roads;
        const std::string layerName = isRoad ? "道路" : "管网";
        const Fields f(*layer);
        const LayerMeasure measure =
            measureLayer(*layer->layer, options.areaMethod, issues, {}, options.threads);
        for (std::size_t row = 0; row < layer->layer->featureCount(); ++row) {
            ++features;
            const std::string who = layerName + " " + f.label(row, "name") + " (fid " +
                                    std::to_string(layer->layer->fids[row]) + ")";
            const double lengthKm = measure.lengthM.empty() ? kNaN : measure.lengthM[row] / 1000.0;
            const std::string lotRaw = f.raw(row, "lot");
            const std::string lot = lotRaw.empty()        ? std::string("（未分标段）")
                                    : !f.text(row, "lot") ? "（标段未知：" + lotRaw + "）"
                                                          : lotRaw;
            const std::string cls =
                layerName + "·" + f.text(row, isRoad ? "road_class" : "kind").value_or("未知");
            const auto stage = f.text(row, "stage");
            std::optional<double> share;
            if (auto progress = f.number(row, "progress"))
                share = std::clamp(*progress / 100.0, 0.0, 1.0);
            else if (stage && *stage == "竣工")
                share = 1.0;
            else if (stage && isBeforeConstruction(*stage))
                share = 0.0;
            if (!share)
                progressUnknown.unknown.push_back(who);
            const auto contract = f.number(row, "contract");
            lotKeys.push_back(lot);
            classKeys.push_back(cls);
            for (WorksGroup* g : {&all, &lots[lot], &classes[cls]}) {
                ++g->features;
                if (std::find(g->layers.begin(), g->layers.end(), layerName) == g->layers.end())
                    g->layers.push_back(layerName);
                g->planned.add(lengthKm, who);
                g->built.add(share ? std::optional<double>(lengthKm * *share) : std::nullopt, who);
                g->contract.add(contract, who);
                if (share && contract) {
                    g->weightedProgress += *contract * *share;
                    g->weight += *contract;
                } else if (!isBeforeConstruction(stage.value_or(""))) {
                    g->unweighted.push_back(who);
                }
            }
        }
    }
    auto columns = [](const char* key, const char* header) {
        return std::vector<LedgerColumn>{{key, header, Kind::Text},
                                         {"layers", "工程", Kind::Text},
                                         {"features", "段数", Kind::Count},
                                         {"km_planned", "规划长度（km）", Kind::Amount, 3},
                                         {"km_built", "已建长度（km）", Kind::Amount, 3},
                                         {"built_pct", "建成比例（%）", Kind::Ratio, 1},
                                         {"contract_wan", "合同价（万元）", Kind::Amount, 2},
                                         {"progress_pct", "加权进度（%）", Kind::Ratio, 1}};
    };
    auto row = [](const std::string& key, const WorksGroup& g) -> std::vector<LedgerCell> {
        std::string layers;
        for (const std::string& l : g.layers)
            layers += (layers.empty() ? "" : "、") + l;
        return {key,
                layers,
                countCell(g.features),
                g.planned.amount(),
                g.built.amount(),
                cellOf(100.0 * safeRatio(g.built.value, g.planned.value)),
                g.contract.amount(),
                cellOf(100.0 * safeRatio(g.weightedProgress, g.weight))};
    };
    LedgerTable byLot{"by_lot", "工程台账（按标段）", columns("lot", "标段"), {}, {}, {}};
    for (const std::string& key : orderedKeys(lotKeys, {}))
        byLot.rows.push_back(row(key, lots.at(key)));
    byLot.total = row("合计 total", all);
    byLot.notes.push_back(std::to_string(features) + " 段 / features");
    noteUnknown(byLot.notes, "进度 progress (已建长度不计 left out of km built)", progressUnknown,
                features);
    noteUnknown(byLot.notes, "合同价 contract (不参与加权 not weighted)", all.contract, features);
    LedgerTable byClass{
        "by_class", "工程台账（按道路等级、管线类型）", columns("class", "等级/类型"), {}, {}, {}};
    std::vector<std::string> classOrder;
    for (const char* layer : {"道路", "管网"})
        for (const char* c : {"主干道", "次干道", "支路", "给水", "污水", "雨水", "排洪", "燃气",
                              "供热", "电力", "通信", "消防", "路灯"})
            classOrder.push_back(std::string(layer) + "·" + c);
    for (const std::string& key : orderedKeys(classKeys, classOrder))
        byClass.rows.push_back(row(key, classes.at(key)));
    byClass.total = row("合计 total", all);
    ledger.tables.push_back(std::move(byLot));
    ledger.tables.push_back(std::move(byClass));
    return ledger;
}

// ---- land supply ----------------------------------------------------------------------------

Ledger supplyLedger(const Park& park, const LedgerOptions& options, IssueSink& issues)
{
    const ParkLayer& layer = requireLayer(park, Role::Parcels);
    const ParkLayer* buildings = park.layer(Role::Buildings);
    const Fields f(layer);
    const std::size_t n = layer.layer->featureCount();
    const LayerMeasure measure =
        measureLayer(*layer.layer, options.areaMethod, issues, {}, options.threads);
    std::vector<PlotCoverage> coverage;
    if (buildings)
        coverage = plotCoverage(*layer.layer, *buildings->layer, issues, options.threads);
    Ledger ledger{
        "supply", "土地供应与集约利用台账 / land supply and intensity", park.name, {}, {}};
    ledger.notes.push_back(methodNote(options));
    ledger.notes.push_back("亩均投资 = 已完成投资 / 宗地亩数；亩均税收 = 年税收 / 亩数；容积率 = "
                           "总建筑面积 / 宗地面积；"
                           "建筑系数 = 建筑物基底（buildings 图层，与宗地求交并合并）/ "
                           "宗地面积；合计行的比值 = 已知分子之和 / "
                           "对应宗地面积之和" +
                           std::string(buildings ? "" : "（无 buildings 图层：建筑系数未知）"));

    LedgerTable plots{"by_parcel", "土地供应与集约利用（按宗地）", {}, {}, {}, {}};
    plots.columns = {{"parcel_id", "宗地代码", Kind::Text},
                     {"owner", "权利人", Kind::Text},
                     {"land_use", "用途", Kind::Text},
                     {"land_use_name", "用途名称", Kind::Text},
                     {"supply_dt", "供地日期", Kind::Text},
                     {"status", "状态", Kind::Text},
                     {"area_mu", "面积（亩）", Kind::Amount, 2},
                     {"invest_tot_wan", "约定总投资（万元）", Kind::Amount, 2},
                     {"invested_wan", "已完成投资（万元）", Kind::Amount, 2},
                     {"invest_per_mu_wan", "亩均投资（万元/亩）", Kind::Ratio, 2},
                     {"tax_wan", "年税收（万元）", Kind::Amount, 2},
                     {"tax_per_mu_wan", "亩均税收（万元/亩）", Kind::Ratio, 2},
                     {"floor_area_m2", "总建筑面积（m²）", Kind::Amount, 2},
                     {"far", "容积率", Kind::Ratio, 2},
                     {"coverage_pct", "建筑系数（%）", Kind::Ratio, 1},
                     {"built_area_m2", "已开发面积（m²）", Kind::Amount, 2}};
    // Land-use names in the parcels' own classification (0601: 工业用地 in a cadastre).
    const LandUseClassification* classification = nullptr;
    LandUseDetection systems;
    try {
        classification = &LandUseClassification::standard();
        systems = landUseSystemsOf(layer, *classification);
    } catch (const Error& error) {
        classification = nullptr;
        issues.report({Issue::Severity::Warning, {}, {}, -1,
                       std::string("land-use names left out: ") + error.what()});
    }
    if (!systems.systems.empty())
        ledger.notes.push_back("用途名称按 " + systems.label() + " 用地分类（" +
                               systems.reasonText(Language::Chinese) + "）" +
                               (systems.systems.size() > 1 ? "；本表混用多种分类" : "") +
                               (systems.warning.empty()
                                    ? ""
                                    : "；" + systems.warningText(Language::Chinese)));
    auto landUseName = [&](std::size_t row) -> LedgerCell {
        const auto code = f.text(row, "land_use");
        if (!code || !classification || systems.systems.empty())
            return {};
        const std::string name = classification->nameOf(*code, systems.systems);
        return name.empty() ? LedgerCell{} : LedgerCell(name);
    };
    Sum mu, investTot, invested, tax, floor, built;
    double investedMu = 0, taxMu = 0, floorM2Area = 0, coveredPlanar = 0, coverPlanar = 0;
    struct YearGroup {
        std::size_t plots = 0;
        Sum mu, invested, tax;
    };
    std::map<std::string, YearGroup> years;
    std::vector<std::string> yearKeys;
    Sum supplyUnknown, coverageUnknown;
    for (std::size_t row = 0; row < n; ++row) {
        const std::string who = f.label(row, "parcel_id");
        const double areaM2 = measure.areaM2[row];
        const double plotMu = muFromM2(areaM2);
        const auto vInvested = f.number(row, "invested");
        const auto vTax = f.number(row, "tax");
        const auto vFloor = f.number(row, "floor_area");
        const double share = buildings ? coverage[row].share : kNaN;
        const auto supply = f.date(row, "supply_dt");
        plots.rows.push_back(
            {cellOf(f.text(row, "parcel_id")), cellOf(f.text(row, "owner")),
             cellOf(f.text(row, "land_use")), landUseName(row),
             supply ? LedgerCell(supply->toIso()) : LedgerCell(std::monostate{}),
             cellOf(f.text(row, "status")), cellOf(plotMu), cellOf(f.number(row, "invest_tot")),
             cellOf(vInvested), vInvested ? cellOf(safeRatio(*vInvested, plotMu)) : LedgerCell{},
             cellOf(vTax), vTax ? cellOf(safeRatio(*vTax, plotMu)) : LedgerCell{}, cellOf(vFloor),
             vFloor ? cellOf(safeRatio(*vFloor, areaM2)) : LedgerCell{}, cellOf(100.0 * share),
             cellOf(f.number(row, "built_area"))});
        mu.add(plotMu, who);
        investTot.add(f.number(row, "invest_tot"), who);
        invested.add(vInvested, who);
        tax.add(vTax, who);
        floor.add(vFloor, who);
        built.add(f.number(row, "built_area"), who);
        if (vInvested && !std::isnan(plotMu))
            investedMu += plotMu;
        if (vTax && !std::isnan(plotMu))
            taxMu += plotMu;
        if (vFloor && !std::isnan(areaM2))
            floorM2Area += areaM2;
        if (buildings && !std::isnan(share)) {
            coveredPlanar += coverage[row].coveredPlanarArea;
            coverPlanar += coverage[row].plotPlanarArea;
        } else if (buildings) {
            coverageUnknown.unknown.push_back(who);
        }
        const std::string year = supply ? std::to_string(supply->year()) : kUnknown;
        if (!supply)
            supplyUnknown.unknown.push_back(who);
        yearKeys.push_back(year);
        YearGroup& g = years[year];
        ++g.plots;
        g.mu.add(plotMu, who);
        g.invested.add(vInvested, who);
        g.tax.add(vTax, who);
    }
    plots.total = {std::string("合计 total"),
                   std::monostate{},
                   std::monostate{},
                   std::monostate{}, // land_use_name
                   std::monostate{},
                   std::monostate{},
                   mu.amount(),
                   investTot.amount(),
                   invested.amount(),
                   cellOf(safeRatio(invested.value, investedMu)),
                   tax.amount(),
                   cellOf(safeRatio(tax.value, taxMu)),
                   floor.amount(),
                   cellOf(safeRatio(floor.value, floorM2Area)),
                   cellOf(buildings ? 100.0 * safeRatio(coveredPlanar, coverPlanar) : kNaN),
                   built.amount()};
    plots.notes.push_back(std::to_string(n) + " 宗 / plots");
    noteUnknown(plots.notes, "供地日期 supply_dt", supplyUnknown, n);
    noteUnknown(plots.notes, "已完成投资 invested", invested, n);
    noteUnknown(plots.notes, "年税收 tax（未投产宗地无税收 no tax before production）", tax, n);
    noteUnknown(plots.notes, "总建筑面积 floor_area", floor, n);
    noteUnknown(plots.notes, "建筑系数 coverage（图形无效 invalid geometry）", coverageUnknown, n);

    LedgerTable byYear{"by_year", "土地供应（按供地年度）", {}, {}, {}, {}};
    byYear.columns = {{"year", "供地年度", Kind::Text},
                      {"plots", "宗数", Kind::Count},
                      {"area_mu", "面积（亩）", Kind::Amount, 2},
                      {"invested_wan", "已完成投资（万元）", Kind::Amount, 2},
                      {"tax_wan", "年税收（万元）", Kind::Amount, 2}};
    for (const std::string& key : orderedKeys(yearKeys, {})) {
        const YearGroup& g = years.at(key);
        byYear.rows.push_back(
            {key, countCell(g.plots), g.mu.amount(), g.invested.amount(), g.tax.amount()});
    }
    byYear.total = {std::string("合计 total"), countCell(n), mu.amount(), invested.amount(),
                    tax.amount()};
    ledger.tables.push_back(std::move(plots));
    ledger.tables.push_back(std::move(byYear));
    return ledger;
}

// ---- 标准地 contracts ------------------------------------------------------------------------

Ledger standardLandLedger(const Park& park, const LedgerOptions& options, IssueSink& issues)
{
    const ParkLayer& layer = requireLayer(park, Role::Parcels);
    const Fields f(layer);
    const std::size_t n = layer.layer->featureCount();
    const LayerMeasure measure =
        measureLayer(*layer.layer, options.areaMethod, issues, {}, options.threads);
    Date asOf;
    if (options.asOf) {
        asOf = *options.asOf;
    } else {
        using namespace std::chrono;
        asOf.daysSinceEpoch = static_cast<std::int32_t>(
            floor<days>(system_clock::now()).time_since_epoch().count());
    }
    const AuditRules& rules = options.rules;
    Ledger ledger{"standard_land", "标准地履约台账 / standard-land contracts", park.name, {}, {}};
    ledger.notes.push_back(methodNote(options));
    ledger.notes.push_back(
        "截至 " + asOf.toIso() + "；初始运营期自" +
        displayName(NameGroup::Field, rules.standardLandPeriodFrom, Language::Chinese, "parcels") +
        "（" + rules.standardLandPeriodFrom + "）起算" +
        (rules.standardLandPeriodYears > 0
             ? "，宗地未载明的按项目文件默认 " + formatForDisplay(rules.standardLandPeriodYears, 1) +
                   " 年"
             : std::string()) +
        "；期满后逐项核查合同约定指标（浙政办发〔2018〕73号，DB33/T 2172-2018）。实际值：投资强度 = "
        "已完成投资 / 亩数，容积率 = 总建筑面积 / 宗地面积，亩均税收 = 年税收 / 亩数，亩均增加值 = "
        "年增加值 / 亩数，单位增加值能耗 = 年综合能耗 / 年增加值，研发投入占比 = rd_share；未知值"
        "不作零处理");

    LedgerTable plots{"by_parcel", "标准地履约（按宗地）", {}, {}, {}, {}};
    plots.columns = {{"parcel_id", "宗地代码", Kind::Text},
                     {"owner", "权利人", Kind::Text},
                     {"area_mu", "面积（亩）", Kind::Amount, 2},
                     {"period_from", "运营期起算日", Kind::Text},
                     {"period_years", "初始运营期（年）", Kind::Ratio, 1},
                     {"period_end", "运营期届满日", Kind::Text},
                     {"period", "运营期", Kind::Text},
                     {"result", "核查结论", Kind::Text}};
    for (const StandardLandTarget& t : standardLandTargets()) {
        const std::string unit = *t.unit ? std::string("（") + t.unit + "）" : std::string();
        plots.columns.push_back({std::string(t.key) + "_contract",
                                 std::string(t.nameZh) + "·合同" + unit, Kind::Ratio, 2});
        plots.columns.push_back({std::string(t.key) + "_actual",
                                 std::string(t.nameZh) + "·实际" + unit, Kind::Ratio, 2});
        plots.columns.push_back(
            {std::string(t.key) + "_state", std::string(t.nameZh) + "·结论", Kind::Text});
    }
    struct StateGroup {
        std::size_t plots = 0;
        Sum mu;
    };
    const std::vector<std::string> stateOrder = {"已满·全部达标", "已满·未达标", "已满·无法判定",
                                                 "初始运营期内", "运营期不详"};
    std::map<std::string, StateGroup> byState;
    Sum mu;
    std::size_t contracts = 0;
    for (std::size_t row = 0; row < n; ++row) {
        const double areaM2 = measure.areaM2[row];
        const StandardLandPlot plot = standardLandPlot(layer, row, areaM2, asOf, rules, &issues);
        if (!plot.contract)
            continue;
        ++contracts;
        const std::string who = f.label(row, "parcel_id");
        std::size_t missed = 0, unknown = 0;
        for (const StandardLandCheck& check : plot.checks) {
            missed += check.state == StandardLandCheck::State::Missed;
            unknown += check.state != StandardLandCheck::State::Missed &&
                       check.state != StandardLandCheck::State::Met;
        }
        std::string result, state;
        switch (plot.period) {
        case StandardLandPlot::Period::Inside:
            result = state = "初始运营期内";
            break;
        case StandardLandPlot::Period::Unknown:
            result = state = "运营期不详";
            break;
        case StandardLandPlot::Period::Past:
            if (missed > 0) {
                state = "已满·未达标";
                result = "未达标（" + std::to_string(missed) + " 项）";
            } else if (unknown > 0) {
                state = "已满·无法判定";
                result = "无法判定（" + std::to_string(unknown) + " 项未知）";
            } else {
                result = state = "已满·全部达标";
                result = "全部达标";
            }
            break;
        }
        std::vector<LedgerCell> cells = {
            cellOf(f.text(row, "parcel_id")),
            cellOf(f.text(row, "owner")),
            cellOf(muFromM2(areaM2)),
            plot.periodStart ? LedgerCell(plot.periodStart->toIso()) : LedgerCell{},
            cellOf(plot.periodYears),
            plot.periodEnd ? LedgerCell(plot.periodEnd->toIso()) : LedgerCell{},
            LedgerCell(std::string(periodStateZh(plot.period))),
            LedgerCell(result)};
        for (const StandardLandTarget& t : standardLandTargets()) {
            const auto check = std::find_if(plot.checks.begin(), plot.checks.end(),
                                            [&](const StandardLandCheck& c) { return c.target == &t; });
            if (check == plot.checks.end()) {
                cells.insert(cells.end(), {LedgerCell{}, LedgerCell{}, LedgerCell{}});
                continue;
            }
            if (check->state == StandardLandCheck::State::UnknownTarget ||
                check->state == StandardLandCheck::State::UnknownUnit)
                cells.emplace_back(check->written);
            else
                cells.push_back(cellOf(check->contract));
            cells.push_back(cellOf(check->actual));
            // Inside the period a target is listed, not judged.
            const bool judged = plot.period == StandardLandPlot::Period::Past ||
                                check->state == StandardLandCheck::State::UnknownUnit ||
                                check->state == StandardLandCheck::State::UnknownTarget;
            std::string stateText = judged ? checkStateZh(check->state) : "—";
            cells.emplace_back(std::move(stateText));
        }
        plots.rows.push_back(std::move(cells));
        mu.add(muFromM2(areaM2), who);
        StateGroup& g = byState[state];
        ++g.plots;
        g.mu.add(muFromM2(areaM2), who);
    }
    plots.total = {std::string("合计 total"), std::monostate{}, mu.amount()};
    plots.total.resize(plots.columns.size());
    plots.notes.push_back(std::to_string(contracts) + " 宗标准地 / contract plots（共 " +
                          std::to_string(n) + " 宗 / of all plots）");
    if (contracts == 0)
        plots.notes.push_back("宗地图层无标准地合同指标字段或值（sl_invest、sl_far、sl_tax、"
                              "sl_value、sl_energy、sl_rd、op_years；可用 parkatlas import --join "
                              "合同表 --on parcel_id 连接）");

    LedgerTable states{"by_state", "标准地履约（按核查结论）", {}, {}, {}, {}};
    states.columns = {{"state", "核查结论", Kind::Text},
                      {"plots", "宗数", Kind::Count},
                      {"area_mu", "面积（亩）", Kind::Amount, 2}};
    for (const std::string& key : stateOrder) {
        const auto found = byState.find(key);
        if (found == byState.end())
            continue;
        states.rows.push_back({key, countCell(found->second.plots), found->second.mu.amount()});
    }
    states.total = {std::string("合计 total"), countCell(contracts), mu.amount()};
    ledger.tables.push_back(std::move(plots));
    ledger.tables.push_back(std::move(states));
    return ledger;
}

} // namespace

const char* toString(LedgerKind kind)
{
    switch (kind) {
    case LedgerKind::Acquisition:
        return "acquisition";
    case LedgerKind::Idle:
        return "idle";
    case LedgerKind::Works:
        return "works";
    case LedgerKind::Supply:
        return "supply";
    case LedgerKind::StandardLand:
        return "standard_land";
    }
    return "";
}

std::optional<LedgerKind> ledgerKindFromString(std::string_view text)
{
    for (LedgerKind kind :
         {LedgerKind::Acquisition, LedgerKind::Idle, LedgerKind::Works, LedgerKind::Supply,
          LedgerKind::StandardLand})
        if (text == toString(kind))
            return kind;
    return std::nullopt;
}

std::vector<Role> rolesFor(LedgerKind kind)
{
    switch (kind) {
    case LedgerKind::Acquisition:
        return {Role::Acquisition};
    case LedgerKind::Idle:
        return {Role::IdleLand};
    case LedgerKind::Works:
        return {Role::Roads, Role::Pipelines};
    case LedgerKind::Supply:
        return {Role::Parcels, Role::Buildings};
    case LedgerKind::StandardLand:
        return {Role::Parcels};
    }
    return {};
}

const std::vector<std::string>& acquisitionStageOrder()
{
    static const std::vector<std::string> order = {"调查摸底勘丈", "报征", "已批", "签约",
                                                   "补偿",         "拆迁", "场平", "已供地"};
    return order;
}

bool isDisposedStage(std::string_view stage)
{
    static const char* const kDisposed[] = {"依法收回", "无偿收回", "协议收回", "收回",
                                            "盘活",     "已处置",   "处置完毕", "置换"};
    for (const char* disposed : kDisposed)
        if (stage == disposed)
            return true;
    return false;
}

Ledger buildLedger(const Park& park, LedgerKind kind, const LedgerOptions& options,
                   IssueSink& issues)
{
    switch (kind) {
    case LedgerKind::Acquisition:
        return acquisitionLedger(park, options, issues);
    case LedgerKind::Idle:
        return idleLedger(park, options, issues);
    case LedgerKind::Works:
        return worksLedger(park, options, issues);
    case LedgerKind::Supply:
        return supplyLedger(park, options, issues);
    case LedgerKind::StandardLand:
        return standardLandLedger(park, options, issues);
    }
    throw IoError("unknown ledger kind", {park.name, {}, -1, {}});
}

} // namespace parkatlas::geo
