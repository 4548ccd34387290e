package gpkg

// sqlMigrateV21 is the schema part of version 21: the inspections (inspections.go). Placeholder until written.
const sqlMigrateV21 = `SELECT 1;`
