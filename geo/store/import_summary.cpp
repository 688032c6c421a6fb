#include "geo/store/import_summary.h"

#include "geo/io/json_writer.h"
#include "geo/store/park_import.h"
#include "geo/io/table_join.h"

#include <algorithm>
#include <map>
#include <ostream>

namespace parkatlas::geo {

void writeJoinSummary(const JoinReport& join, std::ostream& out)
{
    constexpr std::size_t kShown = 5;
    out << "\njoin " << join.tablePath << " [" << join.sheet << "] on " << join.key << " = '"
        << join.keyColumn << "': " << join.rows << " rows, " << join.matched << " matched\n";
    out << "  columns:";
    for (const JoinColumn& column : join.columns)
        out << " " << column.header << "→" << column.field;
    out << "\n";
    for (std::size_t i = 0; i < join.unmatchedKeys.size() && i < kShown; ++i)
        out << "  row " << join.unmatchedKeys[i].row << ": key '" << join.unmatchedKeys[i].key
            << "' matches no feature\n";
    if (join.unmatchedKeys.size() > kShown)
        out << "  … " << join.unmatchedKeys.size() - kShown << " more rows match no feature\n";
    if (!join.featuresWithoutRow.empty())
        out << "  " << join.featuresWithoutRow.size() << " features have no row in the table\n";
    for (const JoinDuplicateKey& duplicate : join.duplicateKeys)
        out << "  key '" << duplicate.key << "' is held by " << duplicate.rowsOrFids.size()
            << (duplicate.side == "table" ? " rows" : " features") << ": not written\n";
    for (std::size_t i = 0; i < join.unparseable.size() && i < kShown; ++i) {
        const JoinCellProblem& cell = join.unparseable[i];
        out << "  row " << cell.row << ", '" << cell.column << "': '" << cell.text << "' "
            << cell.why << "\n";
    }
    if (join.unparseable.size() > kShown)
        out << "  … " << join.unparseable.size() - kShown << " more cells could not be read\n";
    for (const std::string& note : join.notes)
        out << "  note: " << note << "\n";
}

void writeImportSummary(const ImportReport& report, std::ostream& out, bool written)
{
    constexpr std::size_t kShown = 10;
    for (const ImportedSource& source : report.sources) {
        out << source.path << "  (" << source.kind;
        if (!source.cadVersion.empty())
            out << " " << source.cadVersion;
        out << "; text " << source.encoding.name << ": " << source.encoding.reason << ")\n";
    }
    out << "\n";
    for (const ImportedLayer& layer : report.layers) {
        out << "  " << layer.layer << " → " << (layer.role ? toString(*layer.role) : "(none)")
            << "  [" << layer.roleReason << "]";
        if (!layer.kind.empty())
            out << " kind " << layer.kind;
        out << "\n    " << layer.featuresIn << " in, " << layer.featuresOut << " out";
        if (layer.cad)
            out << ", " << layer.texts << " texts";
        out << "\n";
        const bool renamed = std::any_of(layer.fields.begin(), layer.fields.end(),
                                         [](const auto& f) { return f.first != f.second; });
        if (renamed) {
            out << "    fields:";
            for (const auto& [from, to] : layer.fields) {
                if (to.empty())
                    out << " " << from << "→(dropped)";
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
            out << "    dropped";
            if (!(entities.size() == 1 && entities.front() == "all")) {
                out << " " << entities.size() << " (";
                for (std::size_t i = 0; i < entities.size() && i < 3; ++i)
                    out << (i ? ", " : "") << entities[i];
                out << (entities.size() > 3 ? ", …" : "") << ")";
            } else {
                out << " all";
            }
            out << ": " << reason << "\n";
        }
    }
    const bool anyCad = std::any_of(report.layers.begin(), report.layers.end(),
                                    [](const ImportedLayer& l) { return l.cad; });
    if (anyCad) {
        out << "\ntexts: " << report.textsAssigned << " assigned to plots, "
            << report.unassignedTexts.size() << " unassigned, " << report.textsNotLabels
            << " on line/boundary layers (not labels); " << report.plotsLabelled
            << " plots labelled\n";
        for (std::size_t i = 0; i < report.unassignedTexts.size() && i < kShown; ++i) {
            const UnassignedText& text = report.unassignedTexts[i];
            out << "  unassigned '" << text.text << "' (" << text.entity << ", layer '"
                << text.layer << "' at " << shortestDecimal(text.x) << ", "
                << shortestDecimal(text.y) << "): " << text.reason << "\n";
        }
        if (report.unassignedTexts.size() > kShown)
            out << "  … and " << report.unassignedTexts.size() - kShown << " more (see --report)\n";
        for (std::size_t i = 0; i < report.plotProblems.size() && i < kShown; ++i) {
            const PlotProblem& problem = report.plotProblems[i];
            out << "  plot " << problem.entity << " on layer '" << problem.layer << "' → "
                << problem.role << " fid " << problem.fid
                << (problem.plotId.empty() ? "" : " (" + problem.plotId + ")") << ": "
                << problem.problem << "\n";
        }
        if (report.plotProblems.size() > kShown)
            out << "  … and " << report.plotProblems.size() - kShown
                << " more plot problems (see --report)\n";
    }
    if (!written) {
        out << "\nnothing written\n";
        return;
    }
    out << "\nwrote " << report.output << " (CRS " << report.crs << " from " << report.crsOrigin
        << "):";
    for (const auto& [role, count] : report.written)
        out << " " << role << " " << count;
    out << "\n";
    for (const JoinReport& join : report.joins)
        writeJoinSummary(join, out);
}

} // namespace parkatlas::geo
