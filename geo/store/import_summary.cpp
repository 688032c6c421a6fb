#include "geo/store/import_summary.h"

#include "geo/io/json_writer.h"
#include "geo/model/issue_text.h"
#include "geo/store/park_import.h"
#include "geo/io/table_join.h"

#include <algorithm>
#include <map>
#include <ostream>

namespace parkatlas::geo {

namespace {

/// writeJoinSummary in `language` (the table's own names, keys and cells as they are).
void writeJoinSummaryIn(const JoinReport& join, std::ostream& out, Language language)
{
    constexpr std::size_t kShown = 5;
    const bool zh = language == Language::Chinese;
    if (zh)
        out << "\n连接 " << join.tablePath << " [" << join.sheet << "]，按 " << join.key << " = '"
            << join.keyColumn << "'：" << join.rows << " 行，" << join.matched << " 行匹配\n";
    else
        out << "\njoin " << join.tablePath << " [" << join.sheet << "] on " << join.key << " = '"
            << join.keyColumn << "': " << join.rows << " rows, " << join.matched << " matched\n";
    out << (zh ? "  列：" : "  columns:");
    for (const JoinColumn& column : join.columns)
        out << " " << column.header << "→" << column.field;
    out << "\n";
    for (std::size_t i = 0; i < join.unmatchedKeys.size() && i < kShown; ++i)
        if (zh)
            out << "  第 " << join.unmatchedKeys[i].row << " 行：键 '" << join.unmatchedKeys[i].key
                << "' 没有对应的要素\n";
        else
            out << "  row " << join.unmatchedKeys[i].row << ": key '" << join.unmatchedKeys[i].key
                << "' matches no feature\n";
    if (join.unmatchedKeys.size() > kShown)
        out << (zh ? "  … 另有 " : "  … ") << join.unmatchedKeys.size() - kShown
            << (zh ? " 行没有对应的要素\n" : " more rows match no feature\n");
    if (!join.featuresWithoutRow.empty())
        out << "  " << join.featuresWithoutRow.size()
            << (zh ? " 个要素在表中没有对应的行\n" : " features have no row in the table\n");
    for (const JoinDuplicateKey& duplicate : join.duplicateKeys)
        if (zh)
            out << "  键 '" << duplicate.key << "' 对应 " << duplicate.rowsOrFids.size()
                << (duplicate.side == "table" ? " 行" : " 个要素") << "：未写入\n";
        else
            out << "  key '" << duplicate.key << "' is held by " << duplicate.rowsOrFids.size()
                << (duplicate.side == "table" ? " rows" : " features") << ": not written\n";
    for (std::size_t i = 0; i < join.unparseable.size() && i < kShown; ++i) {
        const JoinCellProblem& cell = join.unparseable[i];
        if (zh)
            out << "  第 " << cell.row << " 行，'" << cell.column << "'：'" << cell.text << "' "
                << messagePartText(cell.why, language) << "\n";
        else
            out << "  row " << cell.row << ", '" << cell.column << "': '" << cell.text << "' "
                << cell.why << "\n";
    }
    if (join.unparseable.size() > kShown)
        out << (zh ? "  … 另有 " : "  … ") << join.unparseable.size() - kShown
            << (zh ? " 个单元格无法读取\n" : " more cells could not be read\n");
    for (const std::string& note : join.notes)
        out << (zh ? "  说明：" : "  note: ") << messagePartText(note, language) << "\n";
}

} // namespace

void writeJoinSummary(const JoinReport& join, std::ostream& out)
{
    writeJoinSummaryIn(join, out, Language::English);
}

void writeImportSummary(const ImportReport& report, std::ostream& out, bool written)
{
    writeImportSummary(report, out, written, Language::English);
}

void writeImportSummary(const ImportReport& report, std::ostream& out, bool written,
                        Language language)
{
    const bool zh = language == Language::Chinese;
    // English, or under Chinese its Chinese; a reason said as messagePartText says it.
    const auto said = [&](const char* english, const char* chinese) { return zh ? chinese : english; };
    const auto reasonText = [&](const std::string& reason) { return messagePartText(reason, language); };
    constexpr std::size_t kShown = 10;
    for (const ImportedSource& source : report.sources) {
        out << source.path << "  (" << source.kind;
        if (!source.cadVersion.empty())
            out << " " << source.cadVersion;
        out << said("; text ", "；文字编码 ") << source.encoding.name;
        out << (zh ? "：" : ": ") << source.encoding.reasonText(language);
        out << ")\n";
    }
    out << "\n";
    for (const ImportedLayer& layer : report.layers) {
        out << "  " << layer.layer << " → " << (layer.role ? (zh ? displayName(NameGroup::Role, toString(*layer.role), language) + " " + toString(*layer.role) : std::string(toString(*layer.role))) : std::string(said("(none)", "（无）")))
            << "  [" << reasonText(layer.roleReason) << "]";
        if (!layer.kind.empty())
            out << said(" kind ", " 类型 ") << layer.kind;
        out << "\n    " << said("", "读入 ") << layer.featuresIn << said(" in, ", "，写出 ") << layer.featuresOut << said(" out", "");
        if (layer.cad)
            out << said(", ", "，文字 ") << layer.texts << said(" texts", " 个");
        out << "\n";
        const bool renamed = std::any_of(layer.fields.begin(), layer.fields.end(),
                                         [](const auto& f) { return f.first != f.second; });
        if (renamed) {
            out << said("    fields:", "    字段：");
            for (const auto& [from, to] : layer.fields) {
                if (to.empty())
                    out << " " << from << said("→(dropped)", "→（舍弃）");
                else if (from != to)
                    out << " " << from << "→" << to;
            }
            out << "\n";
        }
        // The reasons, each with a count and its first entities.
        std::map<std::string, std::vector<std::string>> byReason;
        for (const DroppedFeature& dropped : layer.dropped)
            byReason[dropped.reason].push_back(dropped.entity);
        for (const auto& [reason, entities] : byReason) {
            out << said("    dropped", "    舍弃");
            if (!(entities.size() == 1 && entities.front() == "all")) {
                out << " " << entities.size() << " (";
                for (std::size_t i = 0; i < entities.size() && i < 3; ++i)
                    out << (i ? ", " : "") << entities[i];
                out << (entities.size() > 3 ? ", …" : "") << ")";
            } else {
                out << said(" all", " 全部");
            }
            out << said(": ", "：") << reasonText(reason) << "\n";
        }
    }
    const bool anyCad = std::any_of(report.layers.begin(), report.layers.end(),
                                    [](const ImportedLayer& l) { return l.cad; });
    if (anyCad) {
        if (zh)
            out << "\n文字：" << report.textsAssigned << " 个已归入地块，"
                << report.unassignedTexts.size() << " 个未归入，" << report.textsNotLabels
                << " 个在线/边界图层上（不是标注）；" << report.plotsLabelled << " 个地块有标注\n";
        else
            out << "\ntexts: " << report.textsAssigned << " assigned to plots, "
                << report.unassignedTexts.size() << " unassigned, " << report.textsNotLabels
                << " on line/boundary layers (not labels); " << report.plotsLabelled
                << " plots labelled\n";
        for (std::size_t i = 0; i < report.unassignedTexts.size() && i < kShown; ++i) {
            const UnassignedText& text = report.unassignedTexts[i];
            out << said("  unassigned '", "  未归入 '") << text.text << "' (" << text.entity
                << said(", layer '", "，图层 '") << text.layer << said("' at ", "'，位置 ")
                << shortestDecimal(text.x) << ", " << shortestDecimal(text.y) << "): "
                << reasonText(text.reason) << "\n";
        }
        if (report.unassignedTexts.size() > kShown)
            out << said("  … and ", "  … 另有 ") << report.unassignedTexts.size() - kShown
                << said(" more (see --report)\n", " 个（见 --report）\n");
        for (std::size_t i = 0; i < report.plotProblems.size() && i < kShown; ++i) {
            const PlotProblem& problem = report.plotProblems[i];
            out << said("  plot ", "  地块 ") << problem.entity << said(" on layer '", "，图层 '")
                << problem.layer << "' → "
                << problem.role << " fid " << problem.fid
                << (problem.plotId.empty() ? "" : " (" + problem.plotId + ")") << ": "
                << problem.problem << "\n";
        }
        if (report.plotProblems.size() > kShown)
            out << said("  … and ", "  … 另有 ") << report.plotProblems.size() - kShown
                << said(" more plot problems (see --report)\n", " 个地块问题（见 --report）\n");
    }
    if (!written) {
        out << said("\nnothing written\n", "\n未写入任何内容\n");
        return;
    }
    out << said("\nwrote ", "\n已写入 ") << report.output << said(" (CRS ", "（坐标系 ") << report.crs
        << said(" from ", "，来自 ") << report.crsOrigin << said("):", "）：");
    for (const auto& [role, count] : report.written)
        out << " " << (zh ? displayName(NameGroup::Role, role, language) : role) << " " << count;
    out << "\n";
    for (const JoinReport& join : report.joins)
        writeJoinSummaryIn(join, out, language);
}

} // namespace parkatlas::geo
