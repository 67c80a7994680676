/** The registry: the only list of rules, in the order their docs are listed. */
import schemaError from './schema-error';
import missingFkIndex from './missing-fk-index';
import nPlusOne from './n-plus-one';
import transactionPerRowWrites from './transaction-per-row-writes';
import type { Rule } from './types';
// Migration SQL rules (PostgreSQL), named like Squawk's.
import addingRequiredField from './adding-required-field';
import addingNotNullableField from './adding-not-nullable-field';
import addingFieldWithDefault from './adding-field-with-default';
import changingColumnType from './changing-column-type';
import renamingColumn from './renaming-column';
import renamingTable from './renaming-table';
import banDropColumn from './ban-drop-column';
import banDropTable from './ban-drop-table';
import requireConcurrentIndexCreation from './require-concurrent-index-creation';
import requireConcurrentIndexDeletion from './require-concurrent-index-deletion';
import banConcurrentIndexCreationInTransaction from './ban-concurrent-index-creation-in-transaction';
import addingForeignKeyConstraint from './adding-foreign-key-constraint';
import constraintMissingNotValid from './constraint-missing-not-valid';
import disallowedUniqueConstraint from './disallowed-unique-constraint';
import banDropDatabase from './ban-drop-database';
import dataChangeInMigration from './data-change-in-migration';
import renameWithoutMap from './rename-without-map';
// The expert playbook: schema rules, then code rules.
import floatMoney from './float-money';
import redundantIndex from './redundant-index';
import cascadeMissing from './cascade-missing';
import stringEnum from './string-enum';
import timestampWithoutTimezone from './timestamp-without-timezone';
import missingTimestamps from './missing-timestamps';
import rawQueryInjection from './raw-query-injection';
import prismaClientPerCall from './prisma-client-per-call';
import unboundedFindMany from './unbounded-find-many';
import deepOffsetPagination from './deep-offset-pagination';
import lostUpdate from './lost-update';
import missingTransaction from './missing-transaction';
import unindexedQuery from './unindexed-query';
import unusedIndex from './unused-index';
import plaintextSecret from './plaintext-secret';
// Suppression comments, applied after the other rules.
import unusedSuppression from './unused-suppression';
import invalidSuppression from './invalid-suppression';

export const rules: readonly Rule[] = [schemaError, missingFkIndex, nPlusOne, transactionPerRowWrites, ...migrationRules(), ...playbookRules(), unusedSuppression, invalidSuppression];

function migrationRules(): Rule[] {
  return [addingRequiredField, addingNotNullableField, addingFieldWithDefault, changingColumnType, renamingColumn, renamingTable, banDropColumn, banDropTable, requireConcurrentIndexCreation, requireConcurrentIndexDeletion, banConcurrentIndexCreationInTransaction, addingForeignKeyConstraint, constraintMissingNotValid, disallowedUniqueConstraint, banDropDatabase, dataChangeInMigration, renameWithoutMap];
}

function playbookRules(): Rule[] {
  return [floatMoney, redundantIndex, cascadeMissing, stringEnum, timestampWithoutTimezone, missingTimestamps, rawQueryInjection, prismaClientPerCall, unboundedFindMany, deepOffsetPagination, lostUpdate, missingTransaction, plaintextSecret, unindexedQuery, unusedIndex];
}

export function ruleById(id: string): Rule | undefined {
  return rules.find((rule) => rule.id === id);
}
