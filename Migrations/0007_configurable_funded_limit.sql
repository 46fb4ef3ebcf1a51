-- One funded exchange per visitor organisation is the ClusterXchange default, but the number
-- is programme configuration (max_funded_exchanges_per_visitor). A unique index would hard-code
-- 1, so the limit is enforced where the configuration is read: in the approval transaction,
-- under the programme row lock that serialises every approval of the programme.
DROP INDEX applications_one_funded_exchange;
