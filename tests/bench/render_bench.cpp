// render_bench: the viewer's full-extent render of one layer, timed (scripts/bench --render).
//
//   render_bench FILE.shp --styles DIR [--size 1920x1080] [--runs N] [--out PICTURE.png]
//                [--style-out STYLE.json]
//
// Reads the layer as the viewer does (geo::readLayer, every field), styles it by its role with
// styles/roles.json and landuse.json (a parcels layer: filled by land_use code, the categorised
// land-use style), then renders its full extent with render::MapRenderer, the renderer of the
// viewer's worker jobs, --runs times. Prints one JSON object: the load time, every render time,
// the best, the features drawn. --style-out writes the style as drawn (per land_use value the
// fill and stroke, RGBA, stroke width in pixels at 96 DPI) so a peer can draw the same.

#include "app/render/map_renderer.h"
#include "app/render/role_style_book.h"
#include "geo/io/source.h"
#include "geo/issue.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QString>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <set>
#include <string>
#include <vector>

using namespace parkatlas;

namespace {

std::string rgba(const QColor& colour)
{
    char text[64];
    std::snprintf(text, sizeof text, "[%d, %d, %d, %d]", colour.red(), colour.green(),
                  colour.blue(), colour.alpha());
    return text;
}

int usage()
{
    std::fprintf(stderr, "usage: render_bench FILE.shp --styles DIR [--size WxH] [--runs N] "
                         "[--out PICTURE.png] [--style-out STYLE.json]\n");
    return 2;
}

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    std::string file, styles, out, styleOut;
    int width = 1920, height = 1080, runs = 3;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto next = [&]() -> std::string { return i + 1 < argc ? argv[++i] : std::string(); };
        if (arg == "--styles")
            styles = next();
        else if (arg == "--size") {
            const std::string size = next();
            if (std::sscanf(size.c_str(), "%dx%d", &width, &height) != 2)
                return usage();
        } else if (arg == "--runs")
            runs = std::max(1, std::atoi(next().c_str()));
        else if (arg == "--out")
            out = next();
        else if (arg == "--style-out")
            styleOut = next();
        else if (!arg.empty() && arg[0] != '-' && file.empty())
            file = arg;
        else
            return usage();
    }
    if (file.empty() || styles.empty())
        return usage();

    QElapsedTimer timer;
    timer.start();
    geo::IssueList issues;
    const geo::LayerListing listing = geo::listSourceLayers(file);
    if (listing.layers.empty()) {
        std::fprintf(stderr, "render_bench: no layer in %s\n", file.c_str());
        return 2;
    }
    auto layer = std::make_shared<const geo::Layer>(
        geo::readLayer(listing.layers.front(), geo::ReadOptions{}, issues));
    const render::RoleStyleBook book = render::RoleStyleBook::load(QString::fromStdString(styles));
    for (const QString& problem : book.problems())
        std::fprintf(stderr, "render_bench: styles: %s\n", problem.toUtf8().constData());
    const render::LayerSnapshot snapshot = book.snapshotFor(layer);
    const double loadS = static_cast<double>(timer.nsecsElapsed()) / 1e9;

    const render::MapSettings settings(render::combinedExtent({snapshot}), QSize(width, height), 96,
                                       Qt::white, {snapshot}, layer->crs);
    // Wall clock, and the process's CPU time (the machine may be shared: CPU time is what the
    // render itself cost; it renders on one thread).
    std::vector<double> renderS;
    std::vector<double> renderCpuS;
    render::RenderResult result;
    for (int run = 0; run < runs; ++run) {
        const std::clock_t cpuStart = std::clock();
        timer.restart();
        result = render::MapRenderer(settings).render();
        renderS.push_back(static_cast<double>(timer.nsecsElapsed()) / 1e9);
        renderCpuS.push_back(static_cast<double>(std::clock() - cpuStart) / CLOCKS_PER_SEC);
    }
    if (!result.errors.empty())
        std::fprintf(stderr, "render_bench: %s\n", result.errors.front().c_str());
    if (!out.empty() && !result.image.save(QString::fromStdString(out)))
        std::fprintf(stderr, "render_bench: cannot write %s\n", out.c_str());

    if (!styleOut.empty()) {
        // The style as drawn: per land_use value present, its class's symbol.
        const render::LayerStyle& style = snapshot.style;
        const int field = layer->attributes.fieldIndex(style.classField.toStdString());
        std::set<std::string> values;
        if (field >= 0)
            for (std::size_t row = 0; row < layer->featureCount(); ++row)
                values.insert(layer->attributes.text(row, field));
        std::ofstream json(styleOut);
        json << "{\"field\": \"" << style.classField.toStdString() << "\",\n \"default\": {"
             << "\"fill\": " << rgba(style.fill) << ", \"stroke\": " << rgba(style.stroke)
             << ", \"stroke_width_px\": " << style.strokeWidth << "},\n \"categories\": [";
        bool first = true;
        for (std::size_t row = 0; field >= 0 && row < layer->featureCount(); ++row) {
            const std::string value = layer->attributes.text(row, field);
            if (!values.erase(value))
                continue;
            const render::Symbol& symbol = style.symbolFor(row);
            json << (first ? "\n  " : ",\n  ") << "{\"value\": \"" << value
                 << "\", \"fill\": " << rgba(symbol.fill) << ", \"stroke\": " << rgba(symbol.stroke)
                 << ", \"stroke_width_px\": " << symbol.strokeWidth << "}";
            first = false;
        }
        json << "]}\n";
    }

    std::printf("{\"file\": \"%s\", \"features\": %zu, \"features_drawn\": %zu, \"size\": "
                "\"%dx%d\", \"load_s\": %.4f, \"render_s\": [",
                file.c_str(), layer->featureCount(), result.featuresDrawn, width, height, loadS);
    for (std::size_t i = 0; i < renderS.size(); ++i)
        std::printf("%s%.4f", i ? ", " : "", renderS[i]);
    std::printf("], \"render_cpu_s\": [");
    for (std::size_t i = 0; i < renderCpuS.size(); ++i)
        std::printf("%s%.4f", i ? ", " : "", renderCpuS[i]);
    std::printf("], \"best_render_s\": %.4f, \"best_render_cpu_s\": %.4f}\n",
                *std::min_element(renderS.begin(), renderS.end()),
                *std::min_element(renderCpuS.begin(), renderCpuS.end()));
    return result.errors.empty() ? 0 : 1;
}
