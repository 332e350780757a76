# Writes api/openapi.json into a C++ source as one raw string literal.
file(READ ${IN} doc)
string(FIND "${doc}" ")openapi\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "openapi.json contains the raw-string delimiter )openapi\"")
endif()
file(WRITE ${OUT} "// Generated from api/openapi.json by api/embed_openapi.cmake; do not edit.\nnamespace api {\nextern const char* const kOpenApiDocument;\nconst char* const kOpenApiDocument = R\"openapi(${doc})openapi\";\n}  // namespace api\n")
