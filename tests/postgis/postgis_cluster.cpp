#include "postgis_cluster.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace fs = std::filesystem;

namespace parkatlas::test {

namespace {

int g_port = 0;
fs::path g_dir;  // the cluster's folder (the script owns it)
fs::path g_work; // scratch files of the tests

std::string run(const std::string& command)
{
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe)
        throw std::runtime_error("cannot run " + command);
    std::string out;
    std::array<char, 4096> buffer{};
    while (std::size_t n = std::fread(buffer.data(), 1, buffer.size(), pipe))
        out.append(buffer.data(), n);
    const int status = pclose(pipe);
    if (status != 0)
        throw std::runtime_error("failed (" + std::to_string(status) + "): " + command + "\n" + out);
    return out;
}

std::string shellQuote(const std::string& text)
{
    std::string out = "'";
    for (char c : text)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

class ClusterEnvironment : public ::testing::Environment {
public:
    void SetUp() override
    {
        char pattern[] = "/tmp/parkatlas-pgtest-XXXXXX";
        const char* made = mkdtemp(pattern);
        ASSERT_NE(made, nullptr);
        g_work = made;
        chmod(made, 0755); // the postgres user runs the server in a folder inside
        g_dir = g_work / "cluster";
        const std::string script = PARKATLAS_CLUSTER_SCRIPT;
        const std::string out = run("PARKATLAS_CLUSTER_OWNER=" + std::to_string(getpid()) + " " +
                                    shellQuote(script) + " start " + shellQuote(g_dir.string()) +
                                    " parkatlas -- -c fsync=off 2>&1");
        g_port = std::stoi(out.substr(out.find_last_of('\n', out.size() - 2) + 1));
        // The people of the role tests, with passwords in a .pgpass (never in a URI).
        const fs::path pgpass = g_work / "pgpass";
        {
            std::ofstream file(pgpass);
            for (const char* user : {"alice", "bob", "carol"})
                file << "127.0.0.1:" << g_port << ":*:" << user << ":secret-" << user << "\n";
        }
        chmod(pgpass.c_str(), 0600);
        setenv("PGPASSFILE", pgpass.c_str(), 1);
        PostgisCluster::psql(
            "CREATE ROLE parkatlas_auditor NOLOGIN; CREATE ROLE parkatlas_planner NOLOGIN; "
            "CREATE ROLE parkatlas_administrator NOLOGIN; "
            "CREATE ROLE alice LOGIN PASSWORD 'secret-alice' IN ROLE parkatlas_auditor; "
            "CREATE ROLE bob LOGIN PASSWORD 'secret-bob' IN ROLE parkatlas_planner; "
            "CREATE ROLE carol LOGIN PASSWORD 'secret-carol' IN ROLE parkatlas_administrator;");
    }

    void TearDown() override
    {
        if (!g_dir.empty())
            run(shellQuote(PARKATLAS_CLUSTER_SCRIPT) + " stop " + shellQuote(g_dir.string()));
        std::error_code ec;
        fs::remove_all(g_work, ec);
    }
};

[[maybe_unused]] const auto* g_environment =
    ::testing::AddGlobalTestEnvironment(new ClusterEnvironment);

} // namespace

int PostgisCluster::port() { return g_port; }

std::string PostgisCluster::uri(const std::string& user)
{
    return "postgresql://" + user + "@127.0.0.1:" + std::to_string(g_port) + "/parkatlas";
}

std::string PostgisCluster::scratch(const std::string& name)
{
    const fs::path dir = g_work / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir.string();
}

std::string PostgisCluster::psql(const std::string& sql)
{
    return run("psql -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p " + std::to_string(g_port) +
               " -U postgres -d parkatlas -c " + shellQuote(sql) + " 2>&1");
}

} // namespace parkatlas::test
