INSERT INTO docs (tags, data) VALUES ('{a,b;c,"d}e"}'::STRING[], '{"k": "v; w", "n": [1, 2, {"x": "}"}]}'::JSONB);
SELECT ARRAY['x;y', 'z'], ARRAY[1, 2][1:2], '{1,2,3}'::INT[] @> ARRAY[2];
SELECT data->>'k', data #>> '{n,2,x}', data ? 'k', data @> '{"k": "v; w"}'::jsonb FROM docs;
SELECT jsonb_build_object('a', 1, 'b', '[";"]'::jsonb) || '{"c": null}';
UPDATE docs SET data = jsonb_set(data, '{k}', '"new;value"') WHERE id = $1;
SELECT '{}'::jsonb, '[]'::json, '{"nested": {"deep": "''quoted''"}}'::jsonb;
