#include "app/cli/command_line.h"
#include "app/cli/commands.h"
#include "app/cli/issue_printer.h"
#include "app/cli/progress_bar.h"
#include "app/cli/temporary_folder.h"

#include "geo/file_paths.h"
#include "geo/publish/site_server.h"

#include <charconv>
#include <cstdlib>
#include <filesystem>
#include <iostream>

namespace parkatlas::cli {

namespace {

namespace fs = std::filesystem;

bool isSite(const fs::path& folder)
{
    std::error_code error;
    return fs::is_directory(folder, error) && fs::is_regular_file(folder / "index.html", error);
}

} // namespace

int runServe(const std::vector<std::string>& args)
{
    CommandLine cli(
        "serve",
        "DIR|PARK [--port N] [--bind ADDR] [--profile internal|public] [--as-of YYYY-MM-DD]",
        "Serves a site written by `parkatlas publish` (DIR, the folder with index.html) on this "
        "machine for preview: http://127.0.0.1:PORT/ in a browser, a tablet on the same network "
        "only with --bind. Read-only, files inside DIR only (no ../, no hidden files, no "
        "directory listing), GET and HEAD, with the MIME types and caching headers the page "
        "needs (vector tiles as application/x-protobuf, gzip-encoded when written compressed). "
        "Given a PARK instead (a GeoPackage, folder or *.parkatlas.json without index.html), "
        "publishes it into a temporary folder first (--profile, --as-of as `publish` takes "
        "them) and removes that folder when serving stops. Ctrl-C stops.");
    cli.addPositional("DIR", "the published site, or a PARK to publish and serve");
    cli.addOption("port", "N", "the port (default 8000; 0: any free port, printed)");
    cli.addOption("bind", "ADDR",
                  "the address to listen on (default 127.0.0.1, this machine only; 0.0.0.0 "
                  "lets every machine that reaches this one see the site)");
    cli.addOption("profile", "P", "with a PARK: internal (default) or public");
    cli.addOption("as-of", "DATE", "with a PARK: the idle-land audit's date (default: today)");
    cli.parse(args);
    if (cli.helpRequested()) {
        std::cout << cli.help();
        return kExitOk;
    }
    geo::SiteServerOptions options;
    if (cli.has("port")) {
        const std::string text = cli.value("port");
        int port = -1;
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), port);
        if (error != std::errc() || end != text.data() + text.size() || port < 0 || port > 65535)
            throw UsageError("--port must be a number from 0 to 65535, not '" + text + "'");
        options.port = port;
    }
    if (cli.has("bind")) {
        options.bindAddress = cli.value("bind");
        if (options.bindAddress.empty())
            throw UsageError("--bind needs an address (127.0.0.1, 0.0.0.0, ::1 …)");
    }
    options.log = [](const std::string& line) { std::cerr << "parkatlas serve: " << line << "\n"; };

    const std::string given = cli.positional("DIR");
    std::unique_ptr<TemporaryFolder> temporary;
    std::string root = given;
    if (!isSite(geo::utf8Path(given))) {
        std::error_code error;
        if (!fs::exists(geo::utf8Path(given), error))
            throw UsageError(given + " does not exist");
        // A park: published first, into a folder of our own.
        temporary = std::make_unique<TemporaryFolder>("parkatlas-serve");
        std::vector<std::string> publish = {given, "--out", temporary->path()};
        for (const char* option : {"profile", "as-of"})
            if (cli.has(option)) {
                publish.push_back(std::string("--") + option);
                publish.push_back(cli.value(option));
            }
        std::cerr << "parkatlas serve: "
                  << say(geo::message("serve_publishing_first",
                                      "{path} is not a published site (no index.html): "
                                      "publishing it first",
                                      {{"path", given}}))
                  << "\n";
        const int published = runPublish(publish);
        if (published != kExitOk)
            return published;
        root = temporary->path();
    } else if (cli.has("profile") || cli.has("as-of")) {
        throw UsageError("--profile and --as-of go with a PARK to publish; " + given +
                         " is a published site already");
    }

    geo::SiteServer server(root, options);
    // The address on stdout (a script reads it, with --port 0 too); the rest on stderr.
    std::cout << server.url() << std::endl;
    std::cerr << "parkatlas serve: "
              << say(geo::message("serve_serving", "serving {path} at {url} (Ctrl-C stops)",
                                  {{"path", root}, {"url", server.url()}}))
              << "\n";
    if (options.bindAddress != "127.0.0.1" && options.bindAddress != "::1" &&
        options.bindAddress != "localhost")
        std::cerr << "parkatlas serve: "
                  << say(geo::message("serve_listening",
                                      "listening on {address}: other machines that reach this "
                                      "one can read the site",
                                      {{"address", options.bindAddress}}))
                  << "\n";
    server.run([] { return g_interrupted.load(); });
    const std::string requests = std::to_string(server.requestsServed());
    std::cerr << "parkatlas serve: ";
    if (temporary)
        std::cerr << say(geo::message("serve_stopped_removed",
                                      "stopped after {count} request(s); the temporary site is "
                                      "removed",
                                      {{"count", requests}}));
    else
        std::cerr << say(geo::message("serve_stopped", "stopped after {count} request(s)",
                                      {{"count", requests}}));
    std::cerr << "\n";
    return kExitOk;
}

} // namespace parkatlas::cli
