package gpkg

// sqlMigrateV20 is the schema part of version 20: the applications' history (apphistory.go). Placeholder until written.
const sqlMigrateV20 = `SELECT 1;`
