// The node types of this folder, added to a program's registry (see cmake/NodeGroups.cmake).
#include "engine/registry.hpp"
#include "common/defaults.hpp"
#include "nodes/sql/sql_load_node.hpp"

namespace dag {

void register_sql_nodes(Registry& r) {
  r.add(NodeSpec("sql_load")
            .describe("Replaces the O*NET dataset in SQLite or MySQL/MariaDB in one transaction, "
                      "committed only when the whole run succeeded (readers see the old or the "
                      "new dataset, never a mix)")
            .param(ParamSpec::secret("database")
                       .def(common::database_url_param_default())
                       .doc("database URL: sqlite:PATH, sqlite::memory: or "
                            "mysql://user:pass@host:port/db[?socket=/path]"))
            .param(ParamSpec::integer("batch_rows").def("5000").range(1, 100000).doc("rows sent to the database per batch"))
            .param(ParamSpec::one_of("mysql_insert", {"array", "multirow"})
                       .def("array")
                       .doc("MySQL/MariaDB: array = MariaDB's array binding (one binary round "
                            "trip per batch) where the server supports it, else multirow = "
                            "multi-row INSERT statements through SOCI"))
            .param(ParamSpec::flag("keep_api_rows")
                       .def("true")
                       .doc("keep occupations and ratings fetched by the O*NET API fallback "
                            "(source 'onet_api') unless the release now has them"))
            .input("in", "onet", "O*NET tables and release info (onet_validate's output)", true),
        [](const NodeContext& c) { return std::make_unique<sqldb::SqlLoadNode>(c); });
}

}  // namespace dag
