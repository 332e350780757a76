# Every library with a CMake config is found through it; SOCI (no config in Debian 12) by hand.
find_package(Threads REQUIRED)
find_package(TBB REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(spdlog REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(cpprestsdk REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(CURL REQUIRED)
# libzip's config also checks for its CLI tools (zipcmp, zipmerge, ziptool: see scripts/deps.sh).
find_package(libzip REQUIRED)   # -> libzip::zip

find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_path(MARIADB_INCLUDE_DIR mysql.h PATHS /usr/include/mariadb /usr/include/mysql REQUIRED)
find_library(SOCI_CORE_LIB soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIB soci_sqlite3 REQUIRED)
find_library(SOCI_MYSQL_LIB soci_mysql REQUIRED)
find_library(MARIADB_LIB NAMES mariadb mysqlclient REQUIRED)

add_library(soci::soci INTERFACE IMPORTED GLOBAL)
target_include_directories(soci::soci SYSTEM INTERFACE ${SOCI_INCLUDE_DIR} ${MARIADB_INCLUDE_DIR})
target_link_libraries(soci::soci INTERFACE
  ${SOCI_SQLITE3_LIB} ${SOCI_MYSQL_LIB} ${SOCI_CORE_LIB} ${MARIADB_LIB} SQLite::SQLite3 ${CMAKE_DL_LIBS})

# Snowball stemmer (libstemmer-dev, no CMake config): the text index's word stems.
find_path(STEMMER_INCLUDE_DIR libstemmer.h REQUIRED)
find_library(STEMMER_LIB stemmer REQUIRED)
add_library(Stemmer::stemmer INTERFACE IMPORTED GLOBAL)
target_include_directories(Stemmer::stemmer SYSTEM INTERFACE ${STEMMER_INCLUDE_DIR})
target_link_libraries(Stemmer::stemmer INTERFACE ${STEMMER_LIB})

# Eigen 3.4 (libeigen3-dev, header-only, CMake config): the kernel-ridge estimator's Cholesky,
# subspace iteration and matrix products (nodes/estimate/kernel_ridge.cpp).
find_package(Eigen3 3.3 REQUIRED NO_MODULE)

add_library(cpprest::cpprest INTERFACE IMPORTED GLOBAL)
target_link_libraries(cpprest::cpprest INTERFACE cpprestsdk::cpprest OpenSSL::SSL OpenSSL::Crypto)

find_package(Catch2 2 QUIET)
