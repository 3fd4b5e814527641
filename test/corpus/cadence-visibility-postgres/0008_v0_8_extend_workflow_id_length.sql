ALTER TABLE executions_visibility ALTER workflow_id TYPE TEXT;
